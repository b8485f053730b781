"""What a sister portal stores of what it receives, and what it refuses.

The origin here is this same installation (its releases, its key), received
by a subscription pointing at its own address: every check of ``receive`` runs
on real signed documents. Two separate installations talking HTTP are in
test_two_installations.py.
"""

import json

import pytest
from django.conf import settings

from portal.exchange import incoming, keys, outgoing, signing
from portal.exchange.models import ImportedRelease, Subscription
from portal.members.models import AuditEvent


@pytest.fixture
def subscription(agreement):
    key, _private = keys.active_key()
    return Subscription.objects.create(
        name="Sister network",
        origin_url=incoming.normalise_origin(settings.PORTAL_BASE_URL),
        token="not used here",
        agreement_uid=agreement[0].uid,
        trusted_keys={key.kid: key.public_key},
    )


def document(release, agreement):
    return outgoing.signed_document(outgoing.current_event(release), agreement[0])[0]


def test_a_release_is_stored_with_its_provenance(release, agreement, subscription):
    data = document(release, agreement)
    imported = incoming.receive(data, via="push")
    assert imported.release_id == release.number
    assert imported.version == 1
    assert imported.origin == subscription.origin_url
    assert imported.network == settings.EXCHANGE_NETWORK_NAME
    assert imported.organisation == settings.EXCHANGE_ORGANISATION_NAME
    assert imported.signer_kid in subscription.trusted_keys
    assert imported.digest == signing.digest(data)
    assert len(imported.payload["records"]) == 45
    assert AuditEvent.objects.filter(action="exchange.release_imported").exists()


def test_a_replay_and_an_older_version_are_refused(release, agreement, subscription):
    first = document(release, agreement)
    incoming.receive(first, via="push")
    with pytest.raises(incoming.Refused) as replay:
        incoming.receive(first, via="push")
    assert replay.value.status == 409
    outgoing.withdraw(release, reason="Counted twice")
    incoming.receive(document(release, agreement), via="push")
    with pytest.raises(incoming.Refused) as older:
        incoming.receive(first, via="push")
    assert older.value.status == 409
    assert "older version" in older.value.message
    held = ImportedRelease.objects.get()
    assert held.version == 2 and held.withdrawn_at is not None
    assert "records" not in held.payload


def test_a_withdrawal_drops_the_data(release, agreement, subscription):
    incoming.receive(document(release, agreement), via="pull")
    outgoing.withdraw(release, reason="Counted twice")
    imported = incoming.receive(document(release, agreement), via="pull")
    assert imported.withdrawn_at is not None
    assert "aggregates" not in imported.payload and "records" not in imported.payload
    assert ImportedRelease.objects.current().count() == 0


def test_a_changed_byte_is_refused_and_nothing_is_stored(release, agreement, subscription):
    data = bytearray(document(release, agreement))
    position = data.index(b'"total":') + len(b'"total":')
    data[position] = ord("9") if data[position] != ord("9") else ord("8")
    with pytest.raises(incoming.Refused) as refused:
        incoming.receive(bytes(data), via="push")
    assert refused.value.status == 403
    assert not ImportedRelease.objects.exists()
    assert AuditEvent.objects.filter(action="exchange.import_refused").exists()


def test_a_document_for_another_recipient_is_refused(release, agreement, subscription):
    from tests.exchange.conftest import make_agreement

    other, _raw = make_agreement()
    data = outgoing.signed_document(outgoing.current_event(release), other)[0]
    with pytest.raises(incoming.Refused) as refused:
        incoming.receive(data, via="push")
    assert refused.value.status == 403
    assert "another recipient" in refused.value.message
    assert not ImportedRelease.objects.exists()


def test_a_document_signed_by_a_stranger_is_refused(release, agreement, subscription):
    genuine = json.loads(document(release, agreement))
    forged = signing.sign_payload(genuine["payload"], signing.new_private_key())
    with pytest.raises(incoming.Refused) as refused:
        incoming.receive(forged, via="push")
    assert refused.value.status == 403
    assert not ImportedRelease.objects.exists()


def test_a_document_from_an_origin_we_do_not_follow_is_refused(release, agreement):
    with pytest.raises(incoming.Refused) as refused:
        incoming.receive(document(release, agreement), via="push")
    assert refused.value.status == 403


@pytest.mark.parametrize(
    "body", [b"", b"{}", b"not json", b'{"payload":{},"signature":{"alg":"x"}}', b"\xff" * 40]
)
def test_the_inbox_answers_garbage_with_a_4xx(client, body, subscription):
    answer = client.post("/api/v1/exchange/inbox", body, content_type="application/json")
    assert answer.status_code in (400, 403)
    assert answer.json()["detail"]


def test_the_inbox_stores_a_pushed_release_and_refuses_its_replay(
    client, release, agreement, subscription
):
    data = document(release, agreement)
    first = client.post("/api/v1/exchange/inbox", data, content_type="application/json")
    assert first.status_code == 200
    assert first.json() == {"release": release.number, "version": 1, "status": "published"}
    again = client.post("/api/v1/exchange/inbox", data, content_type="application/json")
    assert again.status_code == 409


def test_a_portal_that_follows_nobody_refuses_every_push_unread(client, release, agreement):
    answer = client.post(
        "/api/v1/exchange/inbox", document(release, agreement), content_type="application/json"
    )
    assert answer.status_code == 403
    assert not ImportedRelease.objects.exists()


def test_a_body_declared_too_large_is_refused_before_it_is_read(client, subscription):
    answer = client.generic(
        "POST",
        "/api/v1/exchange/inbox",
        b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(signing.MAX_DOCUMENT_BYTES + 1),
    )
    assert answer.status_code == 413


def test_a_flood_of_pushes_from_one_address_is_rate_limited(client, subscription, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "api.address": "3/m"}
    statuses = [
        client.post("/api/v1/exchange/inbox", b"{}", content_type="application/json").status_code
        for _ in range(5)
    ]
    assert statuses[:3] == [400, 400, 400]
    assert statuses[3:] == [429, 429]


@pytest.mark.parametrize("origin", ["https://portal.example", ["x"], 7, None, {"portal": ["x"]}])
def test_an_origin_of_any_shape_is_refused_with_a_4xx(client, subscription, origin):
    forged = signing.sign_payload({"origin": origin, "release": {}}, signing.new_private_key())
    answer = client.post("/api/v1/exchange/inbox", forged, content_type="application/json")
    assert answer.status_code in (400, 403)
    assert answer.json()["detail"]
    assert not ImportedRelease.objects.exists()
