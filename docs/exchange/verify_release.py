#!/usr/bin/env python3
"""Verify a signed release of a Ferghana Network Portal, without the portal.

For partners' own systems: needs only Python 3.10+ and the packages
`cryptography` and `rfc8785` (pip install cryptography rfc8785).

    python verify_release.py release.json keys.json --key <pinned key id>

release.json: the document exactly as received (GET /api/v1/exchange/releases/N/V).
keys.json:    the portal's keys (GET /.well-known/ferghana-exchange/keys.json).
--key:        the key id you confirmed with the portal's office when you started;
              keys it endorsed since (rotation) are followed automatically.

Exit status 0 and a summary when the document is authentic; 1 and the reason
otherwise. The document must be byte for byte in RFC 8785 canonical form.
"""

import argparse
import base64
import hashlib
import json
import sys

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def b64decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id(raw):
    return base64.urlsafe_b64encode(hashlib.sha256(raw).digest()[:16]).rstrip(b"=").decode()


def valid(data, signature, public):
    try:
        Ed25519PublicKey.from_public_bytes(b64decode(public)).verify(b64decode(signature), data)
    except (InvalidSignature, ValueError):
        return False
    return True


def trusted_keys(document, pinned):
    """The pinned key, plus every key endorsed by a trusted one (a chain of rotations)."""
    published = {
        entry["kid"]: entry
        for entry in document["keys"]
        if key_id(b64decode(entry["x"])) == entry["kid"]
    }
    if pinned not in published:
        raise SystemExit(f"The pinned key {pinned} is not published (revoked?).")
    trusted = {pinned: published[pinned]["x"]}
    changed = True
    while changed:
        changed = False
        for kid, entry in published.items():
            endorser = entry.get("endorsed_by")
            if kid in trusted or endorser not in trusted:
                continue
            message = rfc8785.dumps({"kid": kid, "x": entry["x"], "purpose": "fnp-exchange-key"})
            if valid(message, entry["endorsement"], trusted[endorser]):
                trusted[kid] = entry["x"]
                changed = True
    return trusted


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("release")
    parser.add_argument("keys")
    parser.add_argument("--key", required=True, help="the pinned key id")
    args = parser.parse_args()
    with open(args.release, "rb") as handle:
        data = handle.read()
    with open(args.keys, "rb") as handle:
        keys = json.load(handle)
    envelope = json.loads(data)
    if rfc8785.dumps(envelope) != data:
        sys.exit("REFUSED: the document is not in canonical form (changed after signing?)")
    signature = envelope["signature"]
    public = trusted_keys(keys, "".join(args.key.split())).get(signature["kid"])
    if public is None:
        sys.exit(f"REFUSED: signed with a key you do not trust ({signature['kid']})")
    if signature["alg"] != "Ed25519" or not valid(
        rfc8785.dumps(envelope["payload"]), signature["value"], public
    ):
        sys.exit("REFUSED: the signature does not match the content")
    payload = envelope["payload"]
    release = payload["release"]
    print(
        f"OK: release {release['id']} version {release['version']} ({release['status']}) of "
        f"{payload['origin']['network']}, signed with {signature['kid']}; "
        f"{len(payload.get('records', []))} records"
    )


if __name__ == "__main__":
    main()
