"""Deadlines of referrals (issue 16, "Deadlines").

A referral waits for the recipient's answer for the hours its urgency allows
(``PORTAL_REFERRAL_RESPONSE_HOURS``; ``lifecycle.due_at``). Past that it is
overdue, and:

1. the case workers of both sides are mailed once (``overdue_notified_at``),
   and their daily digests list it for as long as it stays unanswered;
2. once it has waited ``PORTAL_REFERRAL_ESCALATION_FACTOR`` times its
   response time (due_at + hours x (factor - 1), i.e. sent_at + hours x
   factor), the network coordinators are mailed once (``escalated_at``) and
   both workspaces' audit logs say so.

Answering (accept, decline) or revoking it ends this: only a pending
referral is overdue.

The worker runs ``run`` hourly, not daily: an "immediate" referral has 24
hours by default, and a daily pass could tell people a day late, doubling its
deadline. The pass itself is one indexed query (status, due_at) and mails
each stage once, so running it often costs nothing.
``manage.py referrals_overdue [--dry-run]`` runs the same pass by hand.

Mailboxes leak: a message names the reference, the organisations, the
urgency and how late it is, with a link that needs a sign-in; never the
needs, the case data or the thread (as ``notify``).
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.core import periodic
from portal.core.digest_sections import DigestItem, register_digest_section
from portal.core.roles import coordinators
from portal.members.mail import absolute_url, render_message, send_messages
from portal.members.models import Membership

from . import audit_actions as actions
from . import notify
from .lifecycle import _audit, response_hours  # _audit: one event per side, as every change
from .models import Referral
from .vocabulary import Status, Urgency

logger = logging.getLogger(__name__)

HOUR = 3600
JOB = "referrals.overdue"

_PARTIES = ("from_workspace", "to_workspace", "provider", "from_organisation", "to_organisation")


def escalation_factor():
    # Below 1 the coordinators would hear before the deadline itself.
    return max(1, int(settings.PORTAL_REFERRAL_ESCALATION_FACTOR))


def escalation_at(referral):
    """When the coordinators hear of an unanswered referral. From the stored
    due_at, so a changed setting never puts it before the deadline."""
    extra = response_hours(referral.urgency) * (escalation_factor() - 1)
    return referral.due_at + timedelta(hours=extra)


def overdue(now=None):
    """Pending referrals whose answer was due before ``now``."""
    now = now or timezone.now()
    return Referral.objects.filter(status=Status.PENDING, due_at__lt=now)


def past_escalation(now=None):
    """Overdue referrals past the second limit (``escalation_at``)."""
    now = now or timezone.now()
    late = Q()
    for urgency in Urgency.values:
        extra = timedelta(hours=response_hours(urgency) * (escalation_factor() - 1))
        late |= Q(urgency=urgency, due_at__lte=now - extra)
    return overdue(now).filter(late)


def hours_overdue(due_at, now):
    return max(0, int((now - due_at).total_seconds() // HOUR))


def _parties(referral):
    return {
        "reference": referral.reference,
        "from_name": referral.from_organisation.name if referral.from_organisation else "",
        "to_name": referral.provider.display_name,
        "urgency": referral.get_urgency_display(),
    }


# Stage 1: both sides' case workers ----------------------------------------------


def overdue_messages(referral, now):
    """One mail per case worker of either side (a person on both sides gets
    the sender's), each with the link of their own side."""
    # How late is written by the template, in the mail's language.
    context = {**_parties(referral), "due_at": referral.due_at, "now": now}
    messages, seen = [], set()
    for workspace, recipient in (
        (referral.from_workspace, False),
        (referral.to_workspace, True),
    ):
        side = {
            **context,
            "recipient": recipient,
            "url": notify.detail_url(referral, workspace),
        }
        for user in notify.case_workers(workspace):
            if user.email not in seen:
                seen.add(user.email)
                messages.append(render_message("referrals/email/overdue", side, user.email))
    return messages


def _notify_overdue(referral_id, now, dry_run):
    """Mail both sides once. Returns the number of mails, or None when the
    mail could not go out (tried again next pass) or another pass did it."""
    with transaction.atomic():
        referral = (
            overdue(now)
            .select_for_update(of=("self",))
            .select_related(*_PARTIES)
            .filter(pk=referral_id, overdue_notified_at__isnull=True)
            .first()
        )
        if referral is None:
            return None
        messages = overdue_messages(referral, now)
        if dry_run:
            return len(messages)
        sent = send_messages(messages)
        if messages and not sent:
            return None
        referral.overdue_notified_at = now
        referral.save(update_fields=["overdue_notified_at"])
        return sent


# Stage 2: the coordinators --------------------------------------------------------


def _escalate(ids, now, dry_run):
    """Tell the coordinators of the referrals in ``ids``, in one mail each,
    and record it on both sides. All or nothing: if no mail went out, nothing
    is marked and the next pass tries again."""
    with transaction.atomic():
        referrals = list(
            past_escalation(now)
            .select_for_update(of=("self",))
            .select_related(*_PARTIES)
            .filter(pk__in=ids, escalated_at__isnull=True)
            .order_by("due_at", "pk")
        )
        if not referrals:
            return [], 0
        people = list(coordinators())
        if dry_run:
            return referrals, len(people)
        if not people:
            logger.warning(
                "%d referral(s) are long overdue but no network coordinator has an "
                "address: nobody was told; tried again next pass",
                len(referrals),
            )
            return None, 0
        context = {
            "referrals": [
                {**_parties(referral), "due_at": referral.due_at} for referral in referrals
            ],
            "now": now,
            "count": len(referrals),
            "url": absolute_url(reverse("wagtailadmin_home")),
        }
        sent = send_messages(
            [
                render_message("referrals/email/escalated", context, person.email)
                for person in people
            ]
        )
        if not sent:
            return None, 0
        for referral in referrals:
            referral.escalated_at = now
            referral.save(update_fields=["escalated_at"])
            _audit(
                None,
                actions.REFERRAL_OVERDUE_ESCALATED,
                referral,
                overdue_hours=hours_overdue(referral.due_at, now),
            )
        return referrals, sent


# The pass -------------------------------------------------------------------------


@dataclass
class Outcome:
    notified: list = field(default_factory=list)  # references, both sides mailed
    escalated: list = field(default_factory=list)  # references, coordinators mailed
    mails: int = 0
    failed: int = 0  # referrals whose mail could not go out (next pass retries)


def run(now=None, *, dry_run=False, progress=None):
    """One pass: mail the sides of newly overdue referrals, then the
    coordinators about those past the second limit. Each referral is locked
    and checked again before it is marked, so the worker and the command
    running at once mail once. ``progress(line)`` hears of each step."""
    now = now or timezone.now()
    say = progress or (lambda line: None)
    outcome = Outcome()
    pending = overdue(now).filter(overdue_notified_at__isnull=True).order_by("due_at", "pk")
    for referral_id, urgency, due in pending.values_list("pk", "urgency", "due_at"):
        reference = Referral(pk=referral_id).reference
        late = f"{hours_overdue(due, now)} h"
        mails = _notify_overdue(referral_id, now, dry_run)
        if mails is None:
            if overdue(now).filter(pk=referral_id, overdue_notified_at__isnull=True).exists():
                outcome.failed += 1
                say(f"{reference}: overdue by {late}: mail FAILED, tried again next pass")
            continue
        outcome.notified.append(reference)
        outcome.mails += mails
        verb = "would mail" if dry_run else "mailed"
        say(f"{reference} ({urgency}): overdue by {late}: {verb} {mails} case worker(s)")

    candidates = list(
        past_escalation(now).filter(escalated_at__isnull=True).values_list("pk", flat=True)
    )
    if candidates:
        referrals, mails = _escalate(candidates, now, dry_run)
        if referrals is None:
            outcome.failed += len(candidates)
            say(
                f"{len(candidates)} long-overdue referral(s): the coordinators could not "
                "be told (mail FAILED, or no coordinator has an address): tried again next pass"
            )
        elif referrals:
            outcome.escalated = [r.reference for r in referrals]
            outcome.mails += mails
            verb = "would mail" if dry_run else "mailed"
            say(
                f"{', '.join(outcome.escalated)}: past the second limit: {verb} "
                f"{mails} coordinator(s)"
            )
    return outcome


def run_job():
    outcome = run()
    if outcome.notified or outcome.escalated or outcome.failed:
        logger.info(
            "overdue referrals: %d notified, %d escalated, %d failed",
            len(outcome.notified),
            len(outcome.escalated),
            outcome.failed,
        )


# The digest section ----------------------------------------------------------------


def digest_items(user, since, until):
    """The referrals overdue at ``until`` involving a workspace where ``user``
    is a case worker (never an observer), under that workspace. Every
    digest lists them again until they are answered: ``since`` is not used."""
    workspaces = set(
        Membership.objects.filter(
            user=user,
            user__is_active=True,
            role__in=notify.CASE_WORKER_ROLES,
            workspace__archived_at__isnull=True,
        ).values_list("workspace_id", flat=True)
    )
    if not workspaces:
        return []
    referrals = (
        overdue(until)
        .filter(Q(from_workspace_id__in=workspaces) | Q(to_workspace_id__in=workspaces))
        .select_related(*_PARTIES)
        .order_by("due_at", "pk")
    )
    items = []
    for referral in referrals:
        for workspace in (referral.from_workspace, referral.to_workspace):
            if workspace.pk not in workspaces:
                continue
            text = _(
                "%(reference)s from %(from_name)s to %(to_name)s (%(urgency)s): "
                "not answered, %(late)s past its deadline"
            ) % {**_parties(referral), "late": timesince(referral.due_at, until)}
            items.append(
                DigestItem(
                    text=text,
                    url=notify.detail_url(referral, workspace),
                    workspace_id=workspace.pk,
                )
            )
    return items


def register():
    """From the app's ready(): the hourly job and the digest section."""
    periodic.register(JOB, HOUR, run_job)
    register_digest_section(
        "overdue_referrals", title=gettext_lazy("Overdue referrals"), items=digest_items
    )
