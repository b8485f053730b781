"""What leaves for partners: the release log, signed documents, withdrawals,
and the rule that nothing leaves outside an agreement in force.

Every statistics release becomes a ``published`` event of the log when it is
created (signals.py); a withdrawal is a new version of the release carrying no
data. Partners read the log by cursor (pull) or receive each event at their
inbox (push, push.py). Each document is built for one agreement and signed with
the active key when it is asked for.
"""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from portal.api import tokens as api_tokens
from portal.core import request_context
from portal.core.policy import NOT_FOUND, ActionRefused
from portal.members import audit

from . import audit_actions, keys, payload, signing
from .models import Agreement, Delivery, EventKind, PushDelivery, ReleaseEvent

# The refusal counted in portal.api's refused-token windows.
NO_AGREEMENT = "no_agreement"

MAX_REASON = 200
GONE = 410


class NoAgreement(ActionRefused):
    """The token's agreement is not in force (expired, ended, not yet started,
    or there is none): nothing leaves."""


def agreement_for_token(token, *, request=None):
    """The agreement in force that ``token`` reads under; NoAgreement (audited) otherwise."""
    agreement = Agreement.objects.select_related("partner").filter(token=token).first()
    if agreement is None or not agreement.is_in_force():
        # A partner's script retrying with an ended agreement's token would
        # write a row per request: one per address and window, like refused
        # tokens (portal.api.tokens), the count kept in the window's row.
        if api_tokens.count_refusal(token, request_context.client_address(), NO_AGREEMENT):
            audit.record(
                None,
                audit_actions.PULL_REFUSED,
                target=agreement or token,
                agreement=str(agreement.uid) if agreement else "",
                reason="ended" if agreement and agreement.revoked_at else "not in force",
            )
        if agreement is None:
            raise NoAgreement(_("This token belongs to no data-sharing agreement."))
        raise NoAgreement(
            _(
                "The data-sharing agreement “%(title)s” is not in force (%(status)s). "
                "Contact the network's coordinating office to renew it."
            )
            % {"title": agreement.title, "status": agreement.status_label}
        )
    return agreement


def _next_version(release):
    last = release.exchange_events.aggregate(last=Max("version"))["last"]
    return (last or 0) + 1


@transaction.atomic
def record_published(release):
    """The log's ``published`` event for a new release, and its pushes."""
    if release.exchange_events.exists():
        return release.exchange_events.order_by("version").first()
    event = ReleaseEvent.objects.create(
        release=release,
        kind=EventKind.PUBLISHED,
        version=1,
        at=release.published_at,
        actor=release.published_by,
    )
    queue_pushes(event)
    return event


@transaction.atomic
def withdraw(release, *, actor=None, reason):
    """Withdraw ``release`` from partners: a new version without data, pushed
    and in the feed, so consumers drop it at their next sync."""
    if actor is not None:
        # The office's operator at the command line acts as nobody; a person
        # must be allowed (the admin asks the same before showing the button).
        from .agreements import can_manage_exchange

        can_manage_exchange(actor).require()
    reason = " ".join(str(reason or "").split())[:MAX_REASON]
    if not reason:
        raise ActionRefused(_("Say why the release is withdrawn; partners see the reason."))
    record_published(release)  # a release from before the exchange existed
    current = current_event(release)
    if current.kind == EventKind.WITHDRAWN:
        return current
    event = ReleaseEvent.objects.create(
        release=release,
        kind=EventKind.WITHDRAWN,
        version=_next_version(release),
        reason=reason,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor,
        audit_actions.RELEASE_WITHDRAWN,
        target=release,
        release=release.number,
        release_version=event.version,
        reason=reason,
    )
    queue_pushes(event)
    return event


def current_event(release):
    return release.exchange_events.order_by("-version").first()


def queue_pushes(event):
    """One delivery per push agreement in force (written with the event, so it
    is never lost between the two)."""
    agreements = Agreement.objects.in_force().filter(delivery=Delivery.PUSH)
    PushDelivery.objects.bulk_create(
        [PushDelivery(agreement=agreement, event=event) for agreement in agreements],
        ignore_conflicts=True,
    )


def is_superseded(event):
    """A published version of a release withdrawn since: its data no longer leaves."""
    return (
        event.kind == EventKind.PUBLISHED
        and event.release.exchange_events.filter(kind=EventKind.WITHDRAWN).exists()
    )


def feed(agreement, *, after=0, limit=100):
    """Events after cursor ``after``, oldest first: (events, next cursor, more?).
    A withdrawn release shows only as its withdrawal."""
    events = list(
        ReleaseEvent.objects.filter(id__gt=after)
        .exclude(kind=EventKind.PUBLISHED, release__exchange_events__kind=EventKind.WITHDRAWN)
        .select_related("release")
        .order_by("id")[: limit + 1]
    )
    more = len(events) > limit
    events = events[:limit]
    cursor = events[-1].id if events else after
    return events, cursor, more


def event_for(release_number, version):
    event = (
        ReleaseEvent.objects.select_related("release")
        .filter(release__number=release_number, version=version)
        .first()
    )
    if event is None:
        raise ActionRefused(_("No such release version."), status=NOT_FOUND)
    if is_superseded(event):
        raise ActionRefused(
            _("This release was withdrawn; only its withdrawal is served now."), status=GONE
        )
    return event


def signed_document(event, agreement):
    """(canonical bytes, kid, number of records) of ``event`` for ``agreement``."""
    return signed_with_payload(event, agreement)[:3]


def signed_with_payload(event, agreement):
    """As ``signed_document``, with the payload it signed: for the CSV forms,
    which must not parse back (and check again) the document just built."""
    body = payload.build(event, agreement)
    key, private_key = keys.active_key()
    data = signing.sign_payload(body, private_key)
    return data, key.kid, len(body.get("records", ())), body


def audit_sent(event, agreement, *, kid, records, via):
    audit.record(
        None,
        audit_actions.RELEASE_SENT if via == "pull" else audit_actions.PUSH_DELIVERED,
        target=agreement,
        agreement=str(agreement.uid),
        release=event.release.number,
        release_version=event.version,
        tier=payload.tier_for(event.release, agreement),
        kid=kid,
        records=records,
    )
