"""The exchange formats: versioned JSON Schemas, their validation, CSV forms, and
the payload's data taken from a statistics release.

The schemas are static files in ``portal/exchange/schemas/`` (the contract a
partner reads; tests check they match the vocabulary). Version 1 is the only one:
a new major version is a new file beside it, and a consumer refuses a version it
does not know (``"version": {"const": 1}``).

Every string in a payload is a code from a closed list, a pattern-bound
identifier or date, or one of three bounded names (the origin's network and
organisation, the withdrawal reason): no free text can travel in a release.
"""

import json
import math
import re
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from portal.reports.anonymity import ANONYMISED_COLUMNS
from portal.reports.exchange import to_csv
from portal.reports.releases import released_rows

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
FORMAT = "fnp-exchange-release"
VERSION = 1
SCHEMA_ID = "urn:fnp-exchange:schema:{name}-{version}"

# The aggregate tables of a release, in the order the format fixes.
TABLE_KEYS = ("year", "exploitation", "country", "citizenship", "gender", "age")
CORRIDOR_KEY = "corridor"
CORRIDOR_COLUMNS = ("year", "citizenship", "country", "count")
AGGREGATE_COLUMNS = ("table", "code", "count")
TOTAL_ROW = "total"

# What an error message may quote of the document (a value or a field name).
_QUOTE = 40


class InvalidDocument(Exception):
    """The document does not follow the format. ``str(error)`` is a short message
    naming where the first problem is; ``path`` is that place as a list."""

    def __init__(self, message, path=()):
        self.path = list(path)
        super().__init__(message)


# --- Schemas and validators ----------------------------------------------------------


def schema_files():
    return sorted(SCHEMA_DIR.glob("*.schema.json"))


@cache
def schemas():
    """Every schema file by its $id."""
    found = {}
    for path in schema_files():
        schema = json.loads(path.read_text(encoding="utf-8"))
        found[schema["$id"]] = schema
    return found


def published_schema(filename):
    """The bytes of a schema file by its name (``release-1.schema.json``), for
    serving at /.well-known/ferghana-exchange/schemas/; None for any other name,
    so a request can never reach another file."""
    for path in schema_files():
        if path.name == filename:
            return path.read_bytes()
    return None


def schema(name, version=VERSION):
    return schemas()[SCHEMA_ID.format(name=name, version=version)]


_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$", re.ASCII
)
_format_checker = FormatChecker()


# jsonschema checks "date-time" only with an optional package; the portal checks it
# itself so that a consumer never stores a date it cannot read.
@_format_checker.checks("date-time", raises=ValueError)
def _is_date_time(value):
    from datetime import datetime

    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


@cache
def _validator(name):
    registry = Registry().with_resources(
        (schema_id, Resource.from_contents(contents)) for schema_id, contents in schemas().items()
    )
    root = schema(name)
    Draft202012Validator.check_schema(root)
    return Draft202012Validator(root, registry=registry, format_checker=_format_checker)


def _quote(value):
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    if len(text) > _QUOTE:
        text = text[:_QUOTE] + "…"
    return json.dumps(text, ensure_ascii=False) if isinstance(value, str) else text


def _where(path):
    """``aggregates.tables[0].cells[3].code``: where a problem is."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            name = str(part)
            text += ("." if text else "") + (name[:_QUOTE] + "…" if len(name) > _QUOTE else name)
    return text or "document"


def _message(error, path=None):
    where = _where(error.absolute_path if path is None else path)
    subschema = error.schema if isinstance(error.schema, dict) else {}
    if "x-refusal" in subschema:
        return f"{where}: {subschema['x-refusal']}"
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(subschema.get("properties", {})))
        name = _quote(str(extra[0])) if extra else "?"
        return f"{where}: unexpected field {name}: the format allows no other fields"
    if error.validator == "required":
        missing = [field for field in error.validator_value if field not in error.instance]
        return f"{where}: missing field {_quote(missing[0] if missing else '?')}"
    if error.validator in ("prefixItems", "items") and subschema.get("items") is False:
        return f"{where}: more items than the format allows"
    if error.validator in ("minItems", "maxItems", "maxLength", "minLength", "uniqueItems"):
        described = subschema.get("description", "a value of the allowed size")
        return f"{where}: expected {described} ({error.validator} {error.validator_value})"
    if error.validator == "type" and not isinstance(error.instance, str | int | float | bool):
        shown = "an object" if isinstance(error.instance, dict) else _quote(error.instance)
        if isinstance(error.instance, list):
            shown = "a list"
        described = subschema.get("description") or f"type {error.validator_value}"
        return f"{where}: expected {described}, got {shown}"
    described = subschema.get("description") or f"{error.validator} {error.validator_value}"[:80]
    return f"{where}: expected {described}, got {_quote(error.instance)}"


def _first_error(validator, document):
    # The deepest place is the most useful to name (the cell, not the table);
    # among equals, the first the schema reports, so the message is stable.
    errors = list(validator.iter_errors(document))
    if not errors:
        return None
    return max(enumerate(errors), key=lambda item: (len(item[1].absolute_path), -item[0]))[1]


def _not_finite(value, path=()):
    """The path of a NaN or infinite number (Python's json reads them; JSON has none)."""
    if isinstance(value, float) and not math.isfinite(value):
        return list(path)
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _not_finite(item, (*path, key))
        if found is not None:
            return found
    return None


# --- A fast path for the records ------------------------------------------------------
#
# jsonschema walks ~60 subschemas per record: 10,000 records take seconds. Records
# use a handful of keywords, so each record is first checked by a predicate
# compiled from the same schema file. The predicate may only be stricter than
# the schema: a record it doubts goes to jsonschema, which decides and words the
# message. A keyword it does not know means no fast path at all.

_ANNOTATIONS = {"description", "title", "$comment", "x-ctdc", "x-htcds", "x-htcds-match"}
_TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: type(v) is int,
    "number": lambda v: type(v) in (int, float),
    "null": lambda v: v is None,
    "boolean": lambda v: type(v) is bool,
    "array": lambda v: type(v) is list,
    "object": lambda v: type(v) is dict,
}


class _CannotCompile(Exception):
    pass


def _resolve(node):
    if "$ref" not in node:
        return node
    target, _hash, pointer = node["$ref"].partition("#")
    resolved = schemas()[target]
    for part in filter(None, pointer.split("/")):
        resolved = resolved[part]
    if set(node) - {"$ref"} - _ANNOTATIONS:
        raise _CannotCompile(node["$ref"])
    return _resolve(resolved)


def _all(checks):
    if len(checks) == 1:
        return checks[0]
    return lambda v: all(check(v) for check in checks)


def _compile_object(node):
    fields = {name: _compile(sub) for name, sub in node.get("properties", {}).items()}
    required = frozenset(node.get("required", ()))
    closed = node.get("additionalProperties") is False

    def check(value):
        if type(value) is not dict or not value.keys() >= required:
            return False
        for name, item in value.items():
            field = fields.get(name)
            if field is None:
                if closed:
                    return False
            elif not field(item):
                return False
        return True

    return check


def _compile(node):
    node = _resolve(node)
    keywords = set(node) - _ANNOTATIONS
    if node.get("type") == "object" and keywords <= {
        "type",
        "properties",
        "required",
        "additionalProperties",
    }:
        if node.get("additionalProperties", False) is not False:
            raise _CannotCompile("additionalProperties")
        return _compile_object(node)
    if "enum" in node or "const" in node:
        values = node["enum"] if "enum" in node else [node["const"]]
        allowed = frozenset((type(e), e) for e in values)
        # The enum's values already have the right type: one set lookup decides.
        if keywords - {"enum", "const", "type"}:
            raise _CannotCompile(sorted(keywords))
        return lambda v: isinstance(v, str | int | float | bool) and (type(v), v) in allowed
    checks = []
    for keyword in keywords:
        value = node[keyword]
        if keyword == "type":
            tests = [_TYPES[name] for name in ([value] if isinstance(value, str) else value)]
            checks.append(tests[0] if len(tests) == 1 else lambda v, t=tests: any(f(v) for f in t))
        elif keyword == "pattern":
            search = re.compile(value).search
            checks.append(lambda v, search=search: not isinstance(v, str) or bool(search(v)))
        elif keyword == "maxLength":
            checks.append(lambda v, n=value: not isinstance(v, str) or len(v) <= n)
        elif keyword in ("minimum", "maximum"):
            sign = 1 if keyword == "minimum" else -1
            checks.append(lambda v, n=value, sign=sign: type(v) is not int or sign * (v - n) >= 0)
        elif keyword == "anyOf":
            options = [_compile(option) for option in value]
            checks.append(lambda v, options=options: any(option(v) for option in options))
        else:
            raise _CannotCompile(keyword)
    if not checks:
        raise _CannotCompile("an empty schema")
    return _all(checks)


@cache
def _record_check():
    try:
        return _compile(schema("records")["items"])
    except _CannotCompile:
        return None


@cache
def _record_validator():
    return _validator("records")


def _records_error(records, prefix):
    check = _record_check()
    if check is None:
        return None  # the whole document goes through jsonschema instead
    for index, record in enumerate(records):
        if check(record):
            continue
        error = _first_error(_record_validator(), [record])
        if error is not None:
            path = [*prefix, index, *list(error.absolute_path)[1:]]
            return InvalidDocument(_message(error, path), path)
    return False


def _schema_error(name, document):
    bad_number = _not_finite(document)
    if bad_number is not None:
        return InvalidDocument(f"{_where(bad_number)}: expected a finite number", bad_number)
    error = _first_error(_validator(name), document)
    if error is not None:
        return InvalidDocument(_message(error), error.absolute_path)
    return None


def _validate(name, document):
    payload, prefix = document, ["records"]
    if name == "envelope" and isinstance(document, dict):
        payload, prefix = document.get("payload"), ["payload", "records"]
    records = payload.get("records") if isinstance(payload, dict) else None
    if isinstance(records, list) and records and _record_check() is not None:
        # Everything else against the schema with an empty list (the tier rules
        # still see "records"); the records through the fast path. A float in a
        # record never passes it, so a NaN there reaches jsonschema and is refused.
        stripped = {**payload, "records": []}
        rest = {**document, "payload": stripped} if name == "envelope" else stripped
        problem = _schema_error(name, rest) or _records_error(records, prefix)
    else:
        problem = _schema_error(name, document)
    if problem:
        raise problem


def _check_scope(payload, path=()):
    scope = payload["scope"]
    if scope["year_from"] > scope["year_to"]:
        where = [*path, "scope", "year_to"]
        raise InvalidDocument(f"{_where(where)}: expected a year not before year_from", where)


def validate_payload(payload):
    """A release payload (version 1); InvalidDocument on the first problem."""
    _validate("release", payload)
    _check_scope(payload)
    return payload


def validate_envelope(document):
    """A signed envelope: ``{"payload": …, "signature": {"alg", "kid", "value"}}``.
    Checks the form only; the signature is checked by portal.exchange.signing."""
    _validate("envelope", document)
    _check_scope(document["payload"], ("payload",))
    return document


def validate_keys(document):
    """The public keys document of /.well-known/ferghana-exchange/keys.json."""
    _validate("keys", document)
    return document


# --- The payload's data, from a statistics release --------------------------------------


def _in_years(year, year_from, year_to):
    if year_from is not None and year < year_from:
        return False
    return year_to is None or year <= year_to


def aggregates_from_release(release, countries=None, year_from=None, year_to=None):
    """The ``aggregates`` of a payload: the release's total and six tables exactly
    as published (the public figures), and its corridors. With a scope, only the
    corridors touching one of ``countries`` (citizenship or country of
    exploitation) in the years; "earlier" spans unknown years, so a year range
    leaves it out."""
    by_key = {table["key"]: table for table in release.tables}
    tables = [
        {
            "key": key,
            "cells": [
                {"code": str(cell["code"]), "count": cell["count"]}
                for cell in by_key.get(key, {}).get("cells", [])
            ],
        }
        for key in TABLE_KEYS
    ]
    wanted = set(countries) if countries is not None else None
    corridors = []
    for cell in by_key.get(CORRIDOR_KEY, {}).get("cells", []):
        if wanted is not None and not {cell["citizenship"], cell["country"]} & wanted:
            continue
        if year_from is not None or year_to is not None:
            if not str(cell["year"]).isdigit():
                continue
            if not _in_years(int(cell["year"]), year_from, year_to):
                continue
        corridors.append({column: cell[column] for column in CORRIDOR_COLUMNS})
    return {"total": release.total, "tables": tables, "corridors": corridors}


def records_from_release(release, countries, year_from=None, year_to=None):
    """The ``records`` of a payload: the release's k-anonymous rows whose
    citizenship or country of exploitation is one of ``countries`` and, when
    years are given, whose year of registration is one of them. A withheld year
    may lie outside the agreed years, so it does not leave (as in
    portal.exchange.payload). Every condition is on the quasi-identifiers, so a
    combination is kept or left out whole and the rows stay k-anonymous."""
    wanted = set(countries)
    by_years = year_from is not None or year_to is not None
    records = []
    for data in released_rows(release):
        if (
            data.get("citizenship") not in wanted
            and data.get("CountryOfExploitation") not in wanted
        ):
            continue
        year = data.get("yearOfRegistration")
        if by_years and not (isinstance(year, int) and _in_years(year, year_from, year_to)):
            continue
        records.append({column: data.get(column, "") for column in ANONYMISED_COLUMNS})
    return records


# --- CSV --------------------------------------------------------------------------------


def _cell(value):
    # null (fewer than k) is an empty cell; everything else as in the JSON.
    return "" if value is None else value


def payload_csv(payload):
    """The payload's data as CSV files (UTF-8, header row, the same values as the
    JSON; an empty count is "fewer than k"): "aggregates.csv" (table, code,
    count; the total as table "total"), "corridors.csv" and, in the records
    tier, "records.csv" (CTDC column names). A withdrawn release has no data and
    gives no files."""
    files = {}
    aggregates = payload.get("aggregates")
    if aggregates is not None:
        rows = [{"table": TOTAL_ROW, "code": "", "count": _cell(aggregates["total"])}]
        for table in aggregates["tables"]:
            rows += [
                {"table": table["key"], "code": cell["code"], "count": _cell(cell["count"])}
                for cell in table["cells"]
            ]
        files["aggregates.csv"] = to_csv(rows, AGGREGATE_COLUMNS)
        files["corridors.csv"] = to_csv(
            ({**cell, "count": _cell(cell["count"])} for cell in aggregates["corridors"]),
            CORRIDOR_COLUMNS,
        )
    if payload.get("records") is not None:
        files["records.csv"] = to_csv(payload["records"], ANONYMISED_COLUMNS)
    return files
