"""Canonical JSON and Ed25519: the bytes a release is signed as, and the checks
a consumer makes. No database here, so both installations (and any partner's
script) verify the same way.

A signed document is an *envelope* ``{"payload": …, "signature": {"alg",
"kid", "value"}}``, sent as RFC 8785 canonical JSON. The signature covers the
canonical bytes of the payload. A consumer refuses a document that is not
itself in canonical form, so there is exactly one byte sequence for each
signed content: any changed byte either breaks the canonical form or the
signature (a reformatted but equal document is refused too, on purpose:
what is stored is byte for byte what was signed).
"""

import base64
import binascii
import hashlib
import json

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "Ed25519"
# A release of 10,000 records is about 16 MB (bench/exchange_bench.py); far beyond
# that is not a release.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024


class BadSignature(Exception):
    """The document is not what its signer signed (or not signed by a key we trust)."""


class BadDocument(Exception):
    """Not a readable envelope at all (not JSON, not canonical, missing parts)."""


def b64encode(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64decode(text):
    if not isinstance(text, str) or len(text) > 4096:
        raise BadDocument("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise BadDocument("not base64url") from None


def canonical(value):
    """RFC 8785 bytes of a JSON value."""
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as error:
        raise BadDocument(f"not canonicalisable JSON: {error}") from None


def key_id(public_bytes):
    """A key's id: the first 16 bytes of the SHA-256 of its raw public key
    (RFC 7638-like: derived from the key, so an id cannot be given to another key)."""
    return b64encode(hashlib.sha256(public_bytes).digest()[:16])


def public_bytes(private_key):
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


# RFC 8785 sorts "payload" before "signature", so an envelope's canonical bytes
# are these parts around the payload's: a release of 10,000 records is
# canonicalised once (seconds each time, bench/exchange_bench.py), not twice.
_HEAD = b'{"payload":'
_MIDDLE = b',"signature":'


def sign_payload(payload, private_key):
    """The envelope, as canonical bytes."""
    kid = key_id(public_bytes(private_key))
    body = canonical(payload)
    signature = {"alg": ALGORITHM, "kid": kid, "value": b64encode(private_key.sign(body))}
    return _HEAD + body + _MIDDLE + canonical(signature) + b"}"


def _payload_bytes(data, envelope):
    """The bytes between the head and the signature: the payload's canonical
    bytes when ``data`` is canonical (verify_envelope checks it is)."""
    return bytes(data[len(_HEAD) : len(data) - len(_tail(envelope))])


def _tail(envelope):
    return _MIDDLE + canonical(envelope["signature"]) + b"}"


def sign_bytes(data, private_key):
    return b64encode(private_key.sign(data))


def verify_bytes(data, signature_b64, public_b64):
    """True when ``signature_b64`` is the signature of ``data`` by ``public_b64``."""
    try:
        public = Ed25519PublicKey.from_public_bytes(b64decode(public_b64))
        public.verify(b64decode(signature_b64), data)
    except (InvalidSignature, BadDocument, ValueError):
        return False
    return True


def read_envelope(data):
    """Parse ``data`` (bytes) as an envelope; BadDocument unless it is JSON in
    canonical form with a payload object and an Ed25519 signature."""
    envelope = parse_envelope(data)
    if canonical(envelope) != bytes(data):
        raise BadDocument("not in canonical form (RFC 8785)")
    return envelope


def parse_envelope(data):
    """``data`` as an envelope, not yet found canonical (read_envelope does)."""
    if not isinstance(data, bytes | bytearray):
        raise BadDocument("expected bytes")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise BadDocument("document too large")
    try:
        envelope = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise BadDocument("not JSON") from None
    if not isinstance(envelope, dict) or set(envelope) != {"payload", "signature"}:
        raise BadDocument("not an envelope (payload and signature expected)")
    signature = envelope["signature"]
    if (
        not isinstance(envelope["payload"], dict)
        or not isinstance(signature, dict)
        or set(signature) != {"alg", "kid", "value"}
        or signature["alg"] != ALGORITHM
        or not isinstance(signature["kid"], str)
        or not isinstance(signature["value"], str)
    ):
        raise BadDocument("the signature part is not an Ed25519 signature")
    return envelope


def verify_envelope(data, trusted_keys):
    """The payload of ``data`` when its signature is valid under one of
    ``trusted_keys`` ({kid: base64url public key}); else BadSignature (or
    BadDocument). Returns (payload, kid).

    The cheap checks come first, the canonical form of the whole document
    last: the inbox is open to anyone, and a forgery naming a published key
    must cost a hash and a signature check, not seconds of canonicalisation."""
    envelope = parse_envelope(data)
    if not (data.startswith(_HEAD) and data.endswith(_tail(envelope))):
        raise BadDocument("not in canonical form (RFC 8785)")
    kid = envelope["signature"]["kid"]
    public = trusted_keys.get(kid)
    if public is None:
        raise BadSignature(f"signed with a key we do not trust ({kid[:24]})")
    if not verify_bytes(_payload_bytes(data, envelope), envelope["signature"]["value"], public):
        raise BadSignature("the signature does not match the content")
    if canonical(envelope) != bytes(data):
        raise BadDocument("not in canonical form (RFC 8785)")
    return envelope["payload"], kid


def digest(data):
    return hashlib.sha256(data).hexdigest()


def new_private_key():
    return Ed25519PrivateKey.generate()
