"""Canonical JSON and Ed25519 envelopes: what any consumer checks."""

import json

import pytest

from portal.exchange import keys, signing


@pytest.fixture
def private_key():
    return signing.new_private_key()


def trusted(private_key):
    raw = signing.public_bytes(private_key)
    return {signing.key_id(raw): signing.b64encode(raw)}


PAYLOAD = {"release": {"id": 1, "version": 1}, "counts": [12, None, 3.0], "name": "Ош"}


def test_a_signed_document_verifies_and_gives_back_its_payload(private_key):
    data = signing.sign_payload(PAYLOAD, private_key)
    payload, kid = signing.verify_envelope(data, trusted(private_key))
    assert payload == json.loads(signing.canonical(PAYLOAD))
    assert kid in trusted(private_key)


def test_signing_is_deterministic_so_a_release_has_one_byte_form(private_key):
    assert signing.sign_payload(PAYLOAD, private_key) == signing.sign_payload(
        dict(reversed(list(PAYLOAD.items()))), private_key
    )


def test_changing_any_byte_fails(private_key):
    data = signing.sign_payload(PAYLOAD, private_key)
    keys_ = trusted(private_key)
    for position in range(len(data)):
        tampered = bytearray(data)
        tampered[position] ^= 0x01
        with pytest.raises((signing.BadSignature, signing.BadDocument)):
            signing.verify_envelope(bytes(tampered), keys_)


def test_a_reformatted_document_is_refused_though_its_content_is_equal(private_key):
    data = signing.sign_payload(PAYLOAD, private_key)
    pretty = json.dumps(json.loads(data), indent=2).encode()
    with pytest.raises(signing.BadDocument, match="canonical"):
        signing.verify_envelope(pretty, trusted(private_key))


def test_a_key_we_do_not_trust_is_refused(private_key):
    data = signing.sign_payload(PAYLOAD, signing.new_private_key())
    with pytest.raises(signing.BadSignature, match="do not trust"):
        signing.verify_envelope(data, trusted(private_key))


def test_a_signature_moved_to_another_payload_is_refused(private_key):
    envelope = json.loads(signing.sign_payload(PAYLOAD, private_key))
    envelope["payload"]["name"] = "Osh"
    with pytest.raises(signing.BadSignature):
        signing.verify_envelope(signing.canonical(envelope), trusted(private_key))


def test_a_made_up_key_id_for_a_real_signature_is_refused(private_key):
    envelope = json.loads(signing.sign_payload(PAYLOAD, private_key))
    other = signing.new_private_key()
    envelope["signature"]["kid"] = signing.key_id(signing.public_bytes(other))
    with pytest.raises(signing.BadSignature):
        signing.verify_envelope(
            signing.canonical(envelope), {**trusted(private_key), **trusted(other)}
        )


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not json",
        b"[]",
        b'{"payload":{}}',
        b'{"payload":1,"signature":{}}',
        b"x" * 10,
    ],
)
def test_garbage_is_refused_as_a_bad_document(data, private_key):
    with pytest.raises(signing.BadDocument):
        signing.verify_envelope(data, trusted(private_key))


def test_a_rotated_key_is_trusted_only_through_an_endorsement():
    old, new, stranger = (signing.new_private_key() for _ in range(3))

    def entry(private, endorser=None):
        raw = signing.public_bytes(private)
        kid, x = signing.key_id(raw), signing.b64encode(raw)
        endorsement = (
            signing.sign_bytes(keys.endorsement_message(kid, x), endorser) if endorser else ""
        )
        endorsed_by = signing.key_id(signing.public_bytes(endorser)) if endorser else ""
        return {"kid": kid, "x": x, "endorsed_by": endorsed_by, "endorsement": endorsement}

    old_entry = entry(old)
    pinned = {old_entry["kid"]: old_entry["x"]}
    endorsed = entry(new, endorser=old)
    # A stranger claims the old key endorsed it, with a signature of its own.
    forged = entry(stranger, endorser=stranger)
    forged["endorsed_by"] = old_entry["kid"]
    accepted = keys.accept_keys({"keys": [endorsed, old_entry, forged]}, pinned)
    assert set(accepted) == {old_entry["kid"], endorsed["kid"]}
    # A key the origin no longer publishes (revoked) is no longer trusted.
    assert set(keys.accept_keys({"keys": [endorsed]}, accepted)) == {endorsed["kid"]}
