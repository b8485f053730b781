"""Once a release is withdrawn, its data no longer leaves: not by its old
document address, not to a partner reading the feed from the start, not by a
push that was still waiting."""

import json

import pytest

from portal.exchange import outgoing, push
from portal.exchange.models import Delivery, PushDelivery
from tests.exchange.conftest import make_agreement, shared_report_with_cases
from tests.reports.factories import publish


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_withdrawn_version_is_no_longer_served_to_a_partner(client, release, agreement):
    _agreement, raw = agreement
    assert (
        client.get(f"/api/v1/exchange/releases/{release.number}/1", **bearer(raw)).status_code
        == 200
    )
    outgoing.withdraw(release, reason="Double counting")

    answer = client.get(f"/api/v1/exchange/releases/{release.number}/1", **bearer(raw))
    assert answer.status_code == 410
    assert "withdrawn" in answer.json()["detail"]
    assert b"citizenship" not in answer.content
    withdrawal = client.get(f"/api/v1/exchange/releases/{release.number}/2", **bearer(raw))
    assert withdrawal.status_code == 200
    assert "records" not in json.loads(withdrawal.content)["payload"]


def test_a_partner_reading_the_feed_from_the_start_sees_only_the_withdrawal(
    client, release, agreement
):
    _agreement, raw = agreement
    outgoing.withdraw(release, reason="Double counting")
    feed = client.get("/api/v1/exchange/feed?after=0", **bearer(raw)).json()
    assert [(e["release"], e["version"], e["kind"]) for e in feed["events"]] == [
        (release.number, 2, "withdrawn")
    ]


@pytest.mark.django_db
def test_a_push_still_waiting_when_the_release_is_withdrawn_is_given_up_unsent():
    # Nobody listens there: a push that was sent would be retried, not given up.
    agreement, _raw = make_agreement(
        delivery=Delivery.PUSH, inbox_url="http://127.0.0.1:9/api/v1/exchange/inbox"
    )
    shared_report_with_cases(30)
    release = publish()
    waiting = PushDelivery.objects.get(agreement=agreement)
    outgoing.withdraw(release, reason="Double counting")

    assert push.deliver(waiting) == "abandoned"
    waiting.refresh_from_db()
    assert waiting.last_status is None
    assert "withdrawn" in waiting.last_error
    # The withdrawal itself still goes out.
    assert PushDelivery.objects.filter(
        agreement=agreement, event__version=2, abandoned_at__isnull=True
    ).exists()
