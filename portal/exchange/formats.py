"""Placeholder until the versioned JSON Schemas land (same session): the
minimal structural checks incoming.py relies on."""


class InvalidDocument(Exception):
    pass


def validate_keys(document):
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise InvalidDocument("keys: a list of keys expected")
    for entry in document["keys"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str):
            raise InvalidDocument("keys: each key needs a kid")


def validate_payload(payload):
    if payload.get("format") != "fnp-exchange-release" or payload.get("version") != 1:
        raise InvalidDocument("format: unknown format or version")
    for key in ("origin", "release", "recipient", "tier"):
        if key not in payload:
            raise InvalidDocument(f"{key}: missing")
