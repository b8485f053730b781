"""This portal's signing keys: created on first use, rotated by the office,
published at the well-known URL with their history.

The public half is in the database (``SigningKey``); the private half is a
PKCS#8 file ``<kid>.pem`` in EXCHANGE_KEYS_DIR, readable by the portal's user
only. Keep that folder out of the web root and in the backups of the server,
not in the database dump: a dump that leaks must not let anyone sign as the
network.

Rotation: the new key's entry is signed by the key it replaces
(``endorsement``), so a sister portal that trusts the old key accepts the new
one without a person re-pinning it; the old key is *retired* (still published,
still verifies what it signed) rather than deleted. A compromised key is
*revoked*: removed from the published set, so consumers stop trusting it.
"""

import datetime
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.members import audit

from . import audit_actions, signing
from .models import SigningKey


class KeyUnavailable(Exception):
    """The active key's private half is missing: releases cannot be signed."""


def keys_dir():
    return Path(settings.EXCHANGE_KEYS_DIR)


def _path(kid):
    return keys_dir() / f"{kid}.pem"


def _write_private(kid, private_key):
    folder = keys_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # O_EXCL: never overwrite a key file; 0600 from the first byte.
    fd = os.open(_path(kid), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _read_private(kid):
    try:
        data = _path(kid).read_bytes()
    except FileNotFoundError:
        raise KeyUnavailable(
            f"The private key {kid} is not in {keys_dir()}. Restore the folder from the "
            "server's backup, or rotate (`manage.py exchange keys --rotate`) to sign with a "
            "new key."
        ) from None
    return serialization.load_pem_private_key(data, password=None)


def endorsement_message(kid, public_key):
    """What a previous key signs to endorse its successor."""
    return signing.canonical({"kid": kid, "x": public_key, "purpose": "fnp-exchange-key"})


def _create(actor, previous=None):
    private_key = signing.new_private_key()
    raw = signing.public_bytes(private_key)
    kid = signing.key_id(raw)
    public = signing.b64encode(raw)
    endorsed_by = endorsement = ""
    if previous is not None:
        endorsed_by = previous.kid
        endorsement = signing.sign_bytes(
            endorsement_message(kid, public), _read_private(previous.kid)
        )
    _write_private(kid, private_key)
    key = SigningKey.objects.create(
        kid=kid, public_key=public, endorsed_by=endorsed_by, endorsement=endorsement
    )
    audit.record(actor, audit_actions.KEY_CREATED, target=key, kid=kid)
    return key


@transaction.atomic
def active_key(actor=None):
    """(SigningKey, private key) that signs now; the first one is made on first use."""
    key = SigningKey.objects.select_for_update().active()
    if key is None:
        key = _create(actor)
    return key, _read_private(key.kid)


@transaction.atomic
def rotate(actor=None):
    """A new active key, endorsed by the current one, which retires."""
    previous = SigningKey.objects.select_for_update().active()
    key = _create(actor, previous)
    if previous is not None:
        previous.retired_at = timezone.now()
        previous.save(update_fields=["retired_at"])
    return key


@transaction.atomic
def revoke(kid, actor=None):
    """Stop publishing ``kid`` (a compromised key); a new key takes over, not
    endorsed by the revoked one: partners pin it again (README, "Keys")."""
    key = SigningKey.objects.select_for_update().get(kid=kid)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit.record(actor, audit_actions.KEY_REVOKED, target=key, kid=kid)
    if SigningKey.objects.active() is None:
        _create(actor)
    return key


def key_entry(key):
    return {
        "kid": key.kid,
        "kty": "OKP",
        "crv": "Ed25519",
        "x": key.public_key,
        "status": key.status,
        "created_at": moment(key.created_at),
        "retired_at": moment(key.retired_at) if key.retired_at else None,
        "endorsed_by": key.endorsed_by,
        "endorsement": key.endorsement,
    }


def keys_document():
    """The public keys, newest first: what /.well-known/ferghana-exchange/keys.json serves."""
    return {"keys": [key_entry(key) for key in SigningKey.objects.published()]}


def moment(value):
    """A moment as the exchange formats write it: UTC, to the second."""
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fingerprint(public_key):
    """What a person compares when pinning a key by hand: the key id in groups."""
    kid = signing.key_id(signing.b64decode(public_key))
    return " ".join(kid[i : i + 4] for i in range(0, len(kid), 4))


def accept_keys(document, trusted):
    """The keys to trust after reading an origin's keys document: those already
    trusted that it still publishes, plus each key endorsed (directly or by a
    chain) by one of them. A key it no longer publishes is revoked: dropped.
    ``trusted``: {kid: x}. Returns a new dict."""
    published = {}
    for entry in document.get("keys", []):
        kid, x = entry.get("kid"), entry.get("x")
        if not isinstance(kid, str) or not isinstance(x, str):
            continue
        try:
            if signing.key_id(signing.b64decode(x)) != kid:
                continue  # an id that does not belong to its key
        except signing.BadDocument:
            continue
        published[kid] = entry
    accepted = {kid: x for kid, x in trusted.items() if published.get(kid, {}).get("x") == x}
    changed = True
    while changed:
        changed = False
        for kid, entry in published.items():
            if kid in accepted:
                continue
            endorser = entry.get("endorsed_by")
            if endorser in accepted and signing.verify_bytes(
                endorsement_message(kid, entry["x"]),
                entry.get("endorsement", ""),
                accepted[endorser],
            ):
                accepted[kid] = entry["x"]
                changed = True
    return accepted
