"""Demo referrals between Osh and Andijan (data/referrals.json), one in each
state a case worker and a coordinator meet: waiting, accepted with a thread
and a follow-up step, declined, closed with its outcome, overdue, and one
sent without consent (an override with its reason).

Made through portal.referrals.lifecycle as the demo's case workers, so the
audit log, both activity streams and the mails are what a real referral
leaves. Found again by the sending workspace and the needs' text, so a rerun
makes nothing twice.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from portal.members.models import Workspace
from portal.referrals import lifecycle
from portal.referrals.models import Referral, ServiceProvider
from portal.reports.models import CaseRecord

from .. import data


def _person(email):
    return get_user_model().objects.get(email=email)


def _provider(key):
    organisation = data.providers()[key]["organisation"]
    return ServiceProvider.objects.get(organisation__name=organisation)


def _consent(spec):
    if "override" in spec:
        return lifecycle.Consent(given=False, override_reason=spec["override"])
    consent = spec["consent"]
    return lifecycle.Consent(
        given=True,
        given_by=consent["given_by"],
        method=consent["method"],
        date=timezone.localdate() - datetime.timedelta(days=consent["days_ago"]),
        services=tuple(spec["services"]),
        data=tuple(spec["data"]),
    )


def _make_overdue(referral, hours):
    """Sent as if ``hours`` past its deadline. The one write outside the
    lifecycle, to the two dates only: the lifecycle sends "now", and a demo
    needs one that is already late."""
    sent = timezone.now() - datetime.timedelta(
        hours=lifecycle.response_hours(referral.urgency) + hours
    )
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=sent, due_at=lifecycle.due_at(referral.urgency, sent)
    )


def _load(spec):
    workspace = Workspace.objects.get(slug=spec["from"])
    cases = CaseRecord.objects.filter(report__workspace=workspace).order_by("pk")
    referral = lifecycle.send(
        _person(spec["by"]),
        cases[spec["case"]],
        _provider(spec["provider"]),
        lifecycle.Request(
            services=tuple(spec["services"]),
            phase=spec["phase"],
            urgency=spec["urgency"],
            languages=tuple(spec["languages"]),
            needs=spec["needs"],
            sender_contact=spec["contact"],
            data_categories=tuple(spec["data"]),
        ),
        _consent(spec),
    )
    if spec.get("overdue_hours"):
        _make_overdue(referral, spec["overdue_hours"])
    state = spec["state"]
    if state == "declined":
        return lifecycle.decline(_person(spec["answer_by"]), referral, spec["decline_reason"])
    if state not in ("accepted", "closed"):
        return referral
    referral = lifecycle.accept(_person(spec["answer_by"]), referral)
    for message in spec.get("messages", ()):
        lifecycle.post_message(_person(message["by"]), referral, message["text"])
    for step in spec.get("steps", ()):
        lifecycle.record_step(
            _person(step["by"]),
            referral,
            step["kind"],
            timezone.localdate(),
            step["note"],
            step.get("service", ""),
        )
    if state == "closed":
        referral = lifecycle.close(
            _person(spec["answer_by"]), referral, spec["outcome"], spec["outcome_note"]
        )
    return referral


def load_referrals(ctx):
    for spec in data.referrals():
        if Referral.objects.filter(from_workspace__slug=spec["from"], needs=spec["needs"]).exists():
            continue
        referral = _load(spec)
        ctx.say(f"referral {referral.reference} ({spec['key']}): {referral.status}")
