"""What a sister portal does with a document it receives, in one process: the
portal subscribes to itself (its own address, its own keys), so a genuine
document is one its own origin side signed. The same over HTTP between two
installations is tests/exchange/test_two_installations.py."""

import pytest
from django.conf import settings

from portal.exchange import incoming, keys, outgoing
from portal.exchange.models import ImportedRelease, Subscription
from portal.members.models import AuditEvent


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
