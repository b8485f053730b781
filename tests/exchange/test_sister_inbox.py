"""What a sister portal does with a document it receives, in one process: the
portal subscribes to itself (its own address, its own keys), so a genuine
document is one its own origin side signed. The same over HTTP between two
installations is tests/exchange/test_two_installations.py."""

import json

import pytest
from django.conf import settings

from portal.exchange import incoming, keys, outgoing, signing
from portal.exchange.models import ImportedRelease, Subscription
from portal.members.models import AuditEvent
from tests.exchange.conftest import shared_report_with_cases
from tests.reports.factories import publish


@pytest.fixture
def subscription(agreement, release):
    agreement, _raw = agreement
    keys.active_key()  # the first key, made on first use
    return Subscription.objects.create(
        name="Ourselves",
        origin_url=settings.PORTAL_BASE_URL,
        agreement_uid=agreement.uid,
        trusted_keys={key["kid"]: key["x"] for key in keys.keys_document()["keys"]},
    )


def refusals():
    return list(
        AuditEvent.objects.filter(action="exchange.import_refused").values_list(
            "details__reason", flat=True
        )
    )


def test_a_replayed_document_is_refused_and_the_refusal_stays_in_the_audit_log(
    subscription, release, agreement
):
    data, _kid, _records = outgoing.signed_document(outgoing.current_event(release), agreement[0])
    incoming.receive(data, via="push")
    with pytest.raises(incoming.Refused) as refused:
        incoming.receive(data, via="push")
    assert refused.value.status == 409
    assert ImportedRelease.objects.get().version == 1
    # Someone replaying documents at the inbox is what the audit log is for.
    assert len(refusals()) == 1
    assert "replay" in refusals()[0]


def test_an_older_version_cannot_bring_back_a_withdrawn_release_and_is_audited(
    subscription, release, agreement
):
    first, _kid, _records = outgoing.signed_document(outgoing.current_event(release), agreement[0])
    withdrawal = outgoing.withdraw(release, reason="Double counting")
    data, _kid, _records = outgoing.signed_document(withdrawal, agreement[0])
    incoming.receive(data, via="pull")
    with pytest.raises(incoming.Refused) as refused:
        incoming.receive(first, via="push")
    assert refused.value.status == 409
    held = ImportedRelease.objects.get()
    assert (held.version, held.withdrawn_at is not None) == (2, True)
    assert "records" not in held.payload
    assert "older version" in refusals()[0]


def large_canonicalisations(monkeypatch):
    """Counts canonical() calls over more than 10 kB: on a release of 10,000
    records each costs seconds (bench/exchange_bench.py)."""
    calls = []
    original = signing.canonical

    def counting(value):
        data = original(value)
        if len(data) > 10_000:
            calls.append(len(data))
        return data

    monkeypatch.setattr(signing, "canonical", counting)
    return calls


@pytest.fixture
def large_release(db):
    shared_report_with_cases(200)
    return publish()


def test_a_release_is_serialised_once_when_signed(monkeypatch, large_release, agreement):
    calls = large_canonicalisations(monkeypatch)
    data, _kid, records = outgoing.signed_document(
        outgoing.current_event(large_release), agreement[0]
    )
    assert records == 200
    assert len(calls) == 1
    # The same bytes as canonicalising the whole envelope.
    assert signing.canonical(json.loads(data)) == data


def test_a_received_release_is_serialised_once_to_check_it(monkeypatch, large_release, agreement):
    data, _kid, _records = outgoing.signed_document(
        outgoing.current_event(large_release), agreement[0]
    )
    Subscription.objects.create(
        name="Ourselves",
        origin_url=settings.PORTAL_BASE_URL,
        agreement_uid=agreement[0].uid,
        trusted_keys={key["kid"]: key["x"] for key in keys.keys_document()["keys"]},
    )
    calls = large_canonicalisations(monkeypatch)
    imported = incoming.receive(data, via="push")
    assert len(imported.payload["records"]) == 200
    assert len(calls) == 1


def test_a_forged_release_at_the_inbox_is_refused_before_the_costly_checks(
    monkeypatch, client, large_release, agreement
):
    """Anyone may post to the inbox: a forgery naming our trusted key must
    cost a signature check, not seconds of canonicalisation per request."""
    keys.active_key()
    trusted = {key["kid"]: key["x"] for key in keys.keys_document()["keys"]}
    Subscription.objects.create(
        name="Ourselves",
        origin_url=settings.PORTAL_BASE_URL,
        agreement_uid=agreement[0].uid,
        trusted_keys=trusted,
    )
    genuine, kid, _records = outgoing.signed_document(
        outgoing.current_event(large_release), agreement[0]
    )
    envelope = json.loads(genuine)
    envelope["signature"]["value"] = signing.sign_bytes(
        b"something else", signing.new_private_key()
    )
    forged = signing.canonical(envelope)
    calls = large_canonicalisations(monkeypatch)
    monkeypatch.setattr(incoming, "refresh_keys", lambda subscription: trusted)

    answer = client.post("/api/v1/exchange/inbox", forged, content_type="application/json")
    assert answer.status_code == 403
    assert calls == []
    assert not ImportedRelease.objects.exists()
