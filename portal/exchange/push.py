"""Pushing releases to partners' inboxes, from the durable outbox (PushDelivery).

A delivery is written in the transaction that made its event, so nothing is
lost if the portal stops. ``deliver_due`` sends what is due, oldest first:

- 2xx: delivered. 409: the partner already holds this or a newer version
  (a retry after a lost answer): delivered as well.
- another 4xx: the partner refuses the document for good (wrong recipient,
  unknown signer): abandoned, audited, shown by ``exchange status``.
- 5xx, a timeout, no connection: tried again after a backoff that doubles
  (with jitter) up to EXCHANGE_PUSH_MAX_BACKOFF, at most EXCHANGE_PUSH_ATTEMPTS
  times, then abandoned.
- the agreement is no longer in force: abandoned, nothing sent.
"""

import logging
import random
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.members import audit

from . import audit_actions, http, outgoing
from .models import PushDelivery

logger = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)


@dataclass
class PushOutcome:
    delivered: int = 0
    retrying: int = 0
    abandoned: int = 0


def backoff(attempts):
    base = settings.EXCHANGE_PUSH_BACKOFF * (2 ** max(attempts - 1, 0))
    return min(settings.EXCHANGE_PUSH_MAX_BACKOFF, base) * random.uniform(0.8, 1.2)  # noqa: S311 (jitter, not a secret)


def _claim(limit):
    """Due rows, leased so a second worker does not send them at the same time."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            PushDelivery.objects.select_for_update(skip_locked=True)
            .filter(delivered_at__isnull=True, abandoned_at__isnull=True, next_attempt_at__lte=now)
            .select_related("agreement", "event__release")
            .order_by("next_attempt_at", "id")[:limit]
        )
        PushDelivery.objects.filter(pk__in=[row.pk for row in rows]).update(
            next_attempt_at=now + LEASE
        )
    return rows


def _post(url, data):
    """(status or None, error text)."""
    try:
        http.send(url, data=data, limit=64 * 1024)
    except http.Answered as error:
        return error.status, error.detail
    except http.Unreachable as error:
        return None, str(error)
    return 200, ""


def deliver(row):
    """Send one delivery; returns "delivered", "retrying" or "abandoned"."""
    agreement, event = row.agreement, row.event
    now = timezone.now()
    row.attempts += 1
    if not agreement.is_in_force():
        row.abandoned_at, row.last_error = now, "agreement not in force"
        row.save()
        return "abandoned"
    if outgoing.is_superseded(event):
        row.abandoned_at, row.last_error = now, "release withdrawn before delivery: not sent"
        row.save()
        return "abandoned"
    data, kid, records = outgoing.signed_document(event, agreement)
    status, error = _post(agreement.inbox_url, data)
    row.last_status, row.last_error = status, error
    if status is not None and (200 <= status < 300 or status == 409):
        row.delivered_at = now
        row.save()
        outgoing.audit_sent(event, agreement, kid=kid, records=records, via="push")
        return "delivered"
    permanent = status is not None and 400 <= status < 500 and status not in (408, 429)
    if permanent or row.attempts >= settings.EXCHANGE_PUSH_ATTEMPTS:
        row.abandoned_at = now
        outcome = "abandoned"
    else:
        row.next_attempt_at = now + timedelta(seconds=backoff(row.attempts))
        outcome = "retrying"
    row.save()
    audit.record(
        None,
        audit_actions.PUSH_FAILED,
        target=agreement,
        agreement=str(agreement.uid),
        release=event.release.number,
        release_version=event.version,
        status_code=status,
        attempt=row.attempts,
        reason=(error or "")[:300],
    )
    return outcome


def deliver_due(*, limit=100, progress=None):
    say = progress or (lambda message: None)
    outcome = PushOutcome()
    while rows := _claim(limit):
        for row in rows:
            result = deliver(row)
            setattr(outcome, result, getattr(outcome, result) + 1)
            say(
                f"  release {row.event.release.number} v{row.event.version} → "
                f"{row.agreement.title}: {result}"
            )
        if len(rows) < limit:
            break
    return outcome
