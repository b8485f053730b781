"""Pushing releases to a partner's inbox: delivered once, retried with
backoff when nobody answers, abandoned when refused for good or when the
agreement ends. The partner is a real HTTP server on this machine."""

import datetime
import http.server
import threading

import pytest
from django.utils import timezone

from portal.exchange import outgoing, push, signing
from portal.exchange.models import Delivery, PushDelivery
from portal.members.models import AuditEvent
from tests.exchange.conftest import make_agreement


class Inbox(http.server.BaseHTTPRequestHandler):
    status = 200
    received = []

    def do_POST(self):  # noqa: N802 (the stdlib's name)
        length = int(self.headers["Content-Length"])
        type(self).received.append(self.rfile.read(length))
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"detail": "noted"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def inbox():
    handler = type("TestInbox", (Inbox,), {"status": 200, "received": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{server.server_address[1]}/api/v1/exchange/inbox"
    yield handler
    server.shutdown()
    server.server_close()


def push_agreement(url):
    return make_agreement(delivery=Delivery.PUSH, inbox_url=url)[0]


def test_a_new_release_is_pushed_signed_to_the_partner(inbox, release):
    agreement = push_agreement(inbox.url)
    from tests.exchange.conftest import shared_report_with_cases
    from tests.reports.factories import publish

    shared_report_with_cases(11)
    new = publish()
    outcome = push.deliver_due()
    assert outcome.delivered == 1
    assert len(inbox.received) == 1
    envelope = signing.read_envelope(inbox.received[0])
    assert envelope["payload"]["release"]["id"] == new.number
    assert envelope["payload"]["recipient"] == str(agreement.uid)
    row = PushDelivery.objects.get()
    assert row.delivered_at is not None and row.attempts == 1
    assert AuditEvent.objects.filter(action="exchange.push_delivered").count() == 1
    # Delivered is delivered: a second run sends nothing.
    assert push.deliver_due().delivered == 0
    assert len(inbox.received) == 1


def test_an_unreachable_inbox_is_retried_later_with_backoff(release, settings):
    settings.EXCHANGE_PUSH_BACKOFF = 30
    push_agreement("http://127.0.0.1:9/api/v1/exchange/inbox")  # the discard port: nobody
    outgoing.withdraw(release, reason="Counted twice")
    outcome = push.deliver_due()
    assert (outcome.delivered, outcome.retrying) == (0, 1)
    row = PushDelivery.objects.get()
    assert row.attempts == 1 and row.delivered_at is None and row.abandoned_at is None
    wait = (row.next_attempt_at - timezone.now()).total_seconds()
    assert 20 < wait < 40
    assert row.last_error
    # Not due yet: nothing is tried again.
    assert push.deliver_due().retrying == 0
    PushDelivery.objects.update(next_attempt_at=timezone.now())
    push.deliver_due()
    row.refresh_from_db()
    assert row.attempts == 2
    assert 45 < (row.next_attempt_at - timezone.now()).total_seconds() < 75


def test_after_the_last_attempt_the_push_is_abandoned(release, settings):
    settings.EXCHANGE_PUSH_ATTEMPTS = 2
    push_agreement("http://127.0.0.1:9/inbox")
    outgoing.withdraw(release, reason="Counted twice")
    push.deliver_due()
    PushDelivery.objects.update(next_attempt_at=timezone.now())
    assert push.deliver_due().abandoned == 1
    assert PushDelivery.objects.get().abandoned_at is not None


def test_a_partner_that_already_holds_the_version_counts_as_delivered(inbox, release):
    inbox.status = 409
    push_agreement(inbox.url)
    outgoing.withdraw(release, reason="Counted twice")
    assert push.deliver_due().delivered == 1


def test_a_partner_refusing_the_document_stops_the_retries(inbox, release):
    inbox.status = 403
    push_agreement(inbox.url)
    outgoing.withdraw(release, reason="Counted twice")
    assert push.deliver_due().abandoned == 1
    assert AuditEvent.objects.filter(action="exchange.push_failed").exists()


def test_a_server_error_is_retried(inbox, release):
    inbox.status = 503
    push_agreement(inbox.url)
    outgoing.withdraw(release, reason="Counted twice")
    assert push.deliver_due().retrying == 1


def test_nothing_is_pushed_once_the_agreement_has_expired(inbox, release):
    agreement = push_agreement(inbox.url)
    outgoing.withdraw(release, reason="Counted twice")
    agreement.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    agreement.save()
    assert push.deliver_due().abandoned == 1
    assert inbox.received == []


def test_a_pull_agreement_gets_no_pushes(inbox, release, agreement):
    outgoing.withdraw(release, reason="Counted twice")
    assert not PushDelivery.objects.exists()


def test_production_pushes_over_https_only(release, settings):
    from django.core.exceptions import ValidationError

    settings.EXCHANGE_ALLOW_HTTP = False
    agreement = make_agreement(delivery=Delivery.PUSH, inbox_url="https://partner.example")[0]
    agreement.inbox_url = "http://partner.example/inbox"
    with pytest.raises(ValidationError, match="https"):
        agreement.full_clean()
    # A row already queued for a plain-http inbox is never sent in clear.
    agreement.save()
    outgoing.withdraw(release, reason="Counted twice")
    assert push.deliver_due().retrying == 1
    assert "https" in PushDelivery.objects.get().last_error
