"""Every change to a referral: send, edit, accept, decline, revoke, close,
the shared thread, follow-up steps, views.

Each function asks ``portal.referrals.policy`` first (``Decision.require()``
raises ``ActionRefused``), checks what the person typed (``ValidationError``
with a message per field: the personal-data guard on every free text), then
changes the row, writes the audit event and the activity of both sides in the
same transaction, and mails the other side once it has committed.

The transitions, one table (Primero's statuses; OSCaR's lock once accepted):

    pending  --accept-->  accepted  --close-->  closed
    pending  --decline--> declined
    pending | accepted  --revoke-->  revoked
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.core import activity_verbs, personal_data
from portal.members import activity, audit
from portal.members.models.workspaces import PERM_CONTRIBUTE

from . import audit_actions as actions
from . import case_data, notify, policy
from .models import Language, Referral, ReferralMessage, ReferralStep, Service
from .vocabulary import (
    ConsentGiver,
    ConsentMethod,
    DataCategory,
    Outcome,
    Phase,
    Status,
    StepKind,
    Urgency,
)

VERB_SENT = activity_verbs.register(
    "referral_sent", gettext_lazy("referred a case to another organisation"), perm=PERM_CONTRIBUTE
)
VERB_RECEIVED = activity_verbs.register(
    "referral_received", gettext_lazy("sent this organisation a referral"), perm=PERM_CONTRIBUTE
)
VERB_ACCEPTED = activity_verbs.register(
    "referral_accepted", gettext_lazy("accepted a referral"), perm=PERM_CONTRIBUTE
)
VERB_DECLINED = activity_verbs.register(
    "referral_declined", gettext_lazy("declined a referral"), perm=PERM_CONTRIBUTE
)
VERB_REVOKED = activity_verbs.register(
    "referral_revoked", gettext_lazy("revoked a referral"), perm=PERM_CONTRIBUTE
)
VERB_CLOSED = activity_verbs.register(
    "referral_closed", gettext_lazy("closed a referral"), perm=PERM_CONTRIBUTE
)
VERB_MESSAGE = activity_verbs.register(
    "referral_message", gettext_lazy("wrote on a referral"), perm=PERM_CONTRIBUTE
)
VERB_STEP = activity_verbs.register(
    "referral_step", gettext_lazy("recorded a follow-up step on a referral"), perm=PERM_CONTRIBUTE
)

# Short free texts are enough; long ones invite details that identify.
MAX_TEXT = 4000
MIN_OVERRIDE_REASON = 20


def response_hours(urgency):
    return int(settings.PORTAL_REFERRAL_RESPONSE_HOURS[urgency])


def due_at(urgency, sent_at):
    return sent_at + timedelta(hours=response_hours(urgency))


@dataclass
class Consent:
    """What the case worker recorded about the person's consent."""

    given: bool
    given_by: str = ""
    date: object = None
    method: str = ""
    services: tuple = ()
    data: tuple = ()
    override_reason: str = ""


@dataclass
class Request:
    """What is asked of the provider."""

    services: tuple
    phase: str
    urgency: str
    languages: tuple = ()
    needs: str = ""
    sender_contact: str = ""
    data_categories: tuple = ()


# Checks -------------------------------------------------------------------


def _guarded(errors, field, text, *, required=False, label=None):
    text = (text or "").strip()
    if required and not text:
        errors[field] = _("This field is required.")
        return text
    if len(text) > MAX_TEXT:
        errors[field] = _("Keep it under %(n)d characters.") % {"n": MAX_TEXT}
        return text
    if text:
        try:
            personal_data.check(text)
        except ValidationError as error:
            errors[field] = error.messages
    return text


def _codes(errors, field, values, allowed, *, required=False):
    values = list(dict.fromkeys(values or ()))
    if required and not values:
        errors[field] = _("Choose at least one.")
    elif any(value not in allowed for value in values):
        errors[field] = _("Choose from the list.")
    return values


def _check_request(request, provider, errors):
    services = _codes(errors, "services", request.services, Service.values, required=True)
    if request.phase not in Phase.values:
        errors["phase"] = _("Choose the phase of the referral mechanism.")
    if request.urgency not in Urgency.values:
        errors["urgency"] = _("Choose how urgent it is.")
    languages = _codes(errors, "languages", request.languages, Language.values)
    categories = _codes(errors, "data_categories", request.data_categories, DataCategory.values)
    needs = _guarded(errors, "needs", request.needs, required=True)
    contact = _guarded(errors, "sender_contact", request.sender_contact)
    missing = [code for code in services if code not in provider.services]
    if "services" not in errors and missing:
        labels = dict(Service.choices)
        errors["services"] = _("%(provider)s does not offer: %(services)s.") % {
            "provider": provider.display_name,
            "services": ", ".join(str(labels[code]) for code in missing),
        }
    return services, languages, categories, needs, contact


def _check_consent(consent, services, categories, errors):
    """The consent check before any referral: the person agreed, for these
    services and this data; or an override with a written reason."""
    if not consent.given:
        reason = _guarded(errors, "override_reason", consent.override_reason)
        if "override_reason" not in errors and len(reason) < MIN_OVERRIDE_REASON:
            errors["override_reason"] = _(
                "Without the person's consent the referral is refused. Record their "
                "consent, or write why it cannot wait (at least %(n)d characters), "
                "for example a child at immediate risk. The reason is shown to the "
                "recipient and kept in the audit log."
            ) % {"n": MIN_OVERRIDE_REASON}
        return reason
    if consent.given_by not in ConsentGiver.values:
        errors["consent_given_by"] = _("Say who gave consent.")
    if consent.method not in ConsentMethod.values:
        errors["consent_method"] = _("Say how consent was obtained.")
    if consent.date is None:
        errors["consent_date"] = _("Say when consent was given.")
    elif consent.date > timezone.localdate():
        errors["consent_date"] = _("Consent cannot be given in the future.")
    covered_services = _codes(errors, "consent_services", consent.services, Service.values)
    covered_data = _codes(errors, "consent_data", consent.data, DataCategory.values)
    # Codes already refused as asked are not checked against the consent
    # (their labels do not exist).
    if "consent_services" not in errors and "services" not in errors:
        uncovered = [code for code in services if code not in covered_services]
        if uncovered:
            labels = dict(Service.choices)
            errors["consent_services"] = _(
                "The person's consent does not cover: %(services)s. Record consent "
                "for every service asked, or leave it out."
            ) % {"services": ", ".join(str(labels[code]) for code in uncovered)}
    if "consent_data" not in errors and "data_categories" not in errors:
        uncovered = [code for code in categories if code not in covered_data]
        if uncovered:
            labels = dict(DataCategory.choices)
            errors["consent_data"] = _("The person's consent does not cover passing: %(data)s.") % {
                "data": "; ".join(str(labels[code]) for code in uncovered)
            }
    return ""


def _raise(errors):
    if errors:
        raise ValidationError(errors)


# Both sides ----------------------------------------------------------------


def _record_both(referral, actor, verb_from, verb_to=None):
    activity.record(referral.from_workspace, actor, verb_from, notify=False)
    activity.record(referral.to_workspace, actor, verb_to or verb_from, notify=False)


def _audit(actor, action, referral, workspace=None, **details):
    details.setdefault("referral", referral.reference)
    # One event per side, so each workspace's own log shows what happened to
    # its referrals (the two logs are read by different owners).
    for side in (
        (workspace,)
        if workspace is not None
        else (
            referral.from_workspace,
            referral.to_workspace,
        )
    ):
        audit.record(actor, action, target=referral, workspace=side, **details)


# Actions -------------------------------------------------------------------


def send(actor, case, provider, request, consent):
    """Refer ``case`` to ``provider``. Returns the new referral."""
    policy.can_refer(actor, case).require()
    errors = {}
    if not provider.takes_referrals:
        errors["provider"] = _("This provider does not take referrals through the portal.")
    elif provider.receiving_workspace_id == case.report.workspace_id:
        errors["provider"] = _("Choose another organisation: this is your own workspace.")
    services, languages, categories, needs, contact = _check_request(request, provider, errors)
    override = _check_consent(consent, services, categories, errors)
    _raise(errors)
    workspace = case.report.workspace
    now = timezone.now()
    with transaction.atomic():
        referral = Referral.objects.create(
            case=case,
            from_workspace=workspace,
            from_organisation=workspace.organisation or actor.organisation,
            provider=provider,
            to_workspace=provider.receiving_workspace,
            to_organisation=provider.organisation,
            from_country=(workspace.organisation.country if workspace.organisation else ""),
            to_country=provider.country,
            services=services,
            phase=request.phase,
            urgency=request.urgency,
            languages=languages,
            needs=needs,
            sender_contact=contact,
            data_categories=categories,
            case_data=case_data.snapshot(case, categories),
            consent_given=consent.given,
            consent_given_by=consent.given_by if consent.given else "",
            consent_date=consent.date if consent.given else None,
            consent_method=consent.method if consent.given else "",
            consent_services=list(consent.services) if consent.given else [],
            consent_data=list(consent.data) if consent.given else [],
            consent_recorded_by=actor,
            override_reason=override,
            created_by=actor,
            sent_at=now,
            due_at=due_at(request.urgency, now),
        )
        details = {
            "provider": provider.pk,
            "phase": referral.phase,
            "urgency": referral.urgency,
            "services": services,
        }
        if consent.given:
            details.update(consent_by=consent.given_by, consent_method=consent.method)
        _audit(actor, actions.REFERRAL_SENT, referral, **details)
        if not consent.given:
            _audit(actor, actions.REFERRAL_CONSENT_OVERRIDDEN, referral)
        _record_both(referral, actor, VERB_SENT, VERB_RECEIVED)
        notify.after_commit(referral, notify.SENT, actor=actor)
    return referral


EDITABLE = ("services", "phase", "urgency", "languages", "needs", "sender_contact")


def edit(actor, referral, request):
    """The sender changes what was asked, while no one has answered (the
    recipient's answer locks it). The consent must still cover it."""
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        policy.can_edit_referral(actor, referral).require()
        errors = {}
        services, languages, categories, needs, contact = _check_request(
            Request(
                services=request.services,
                phase=request.phase,
                urgency=request.urgency,
                languages=request.languages,
                needs=request.needs,
                sender_contact=request.sender_contact,
                data_categories=referral.data_categories,
            ),
            referral.provider,
            errors,
        )
        if referral.consent_given and "services" not in errors:
            uncovered = [code for code in services if code not in referral.consent_services]
            if uncovered:
                labels = dict(Service.choices)
                errors["services"] = _("The person's consent does not cover: %(services)s.") % {
                    "services": ", ".join(str(labels[code]) for code in uncovered)
                }
        _raise(errors)
        new = {
            "services": services,
            "phase": request.phase,
            "urgency": request.urgency,
            "languages": languages,
            "needs": needs,
            "sender_contact": contact,
        }
        changed = [name for name, value in new.items() if getattr(referral, name) != value]
        if not changed:
            return referral
        for name in changed:
            setattr(referral, name, new[name])
        if "urgency" in changed:
            referral.due_at = due_at(referral.urgency, referral.sent_at)
            referral.overdue_notified_at = None
            referral.escalated_at = None
        referral.save()
        _audit(actor, actions.REFERRAL_CHANGED, referral, fields=changed)
    return referral


class Move(NamedTuple):
    """One move of the table above: who may make it, the status it reaches,
    and what it tells (audit action, activity verb, mail)."""

    decide: object
    status: str
    action: str
    verb: str
    event: str


ACCEPT = Move(
    policy.can_answer_referral,
    Status.ACCEPTED,
    actions.REFERRAL_ACCEPTED,
    VERB_ACCEPTED,
    notify.ACCEPTED,
)
DECLINE = Move(
    policy.can_answer_referral,
    Status.DECLINED,
    actions.REFERRAL_DECLINED,
    VERB_DECLINED,
    notify.DECLINED,
)
REVOKE = Move(
    policy.can_revoke_referral,
    Status.REVOKED,
    actions.REFERRAL_REVOKED,
    VERB_REVOKED,
    notify.REVOKED,
)
CLOSE = Move(
    policy.can_close_referral,
    Status.CLOSED,
    actions.REFERRAL_CLOSED,
    VERB_CLOSED,
    notify.CLOSED,
)


def _transition(actor, referral, move, *, details=None, **fields):
    """Lock the row, ask the policy again under the lock (two people may
    answer at once), move it, and record the move on both sides in the same
    transaction; the mail goes once it has committed."""
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        move.decide(actor, locked).require()
        locked.status = move.status
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        _audit(actor, move.action, locked, status=locked.status, **(details or {}))
        _record_both(locked, actor, move.verb)
        notify.after_commit(locked, move.event, actor=actor)
    return locked


def _checked_text(actor, referral, decide, field, text, *, required):
    """The person's words, guarded; a refused person hears the refusal first,
    never a remark about what they typed."""
    errors = {}
    text = _guarded(errors, field, text, required=required)
    decide(actor, referral).require()
    _raise(errors)
    return text


def accept(actor, referral):
    return _transition(actor, referral, ACCEPT, responded_at=timezone.now(), responded_by=actor)


def decline(actor, referral, reason):
    reason = _checked_text(
        actor, referral, policy.can_answer_referral, "reason", reason, required=True
    )
    return _transition(
        actor,
        referral,
        DECLINE,
        responded_at=timezone.now(),
        responded_by=actor,
        decline_reason=reason,
    )


def revoke(actor, referral, reason):
    """The sender withdraws it: the recipient's access ends with this commit."""
    reason = _checked_text(
        actor, referral, policy.can_revoke_referral, "reason", reason, required=True
    )
    return _transition(actor, referral, REVOKE, revoked_at=timezone.now(), revoke_reason=reason)


def close(actor, referral, outcome, note=""):
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choose the outcome.")
    note = _guarded(errors, "note", note)
    policy.can_close_referral(actor, referral).require()
    _raise(errors)
    return _transition(
        actor,
        referral,
        CLOSE,
        details={"referral_outcome": outcome},
        closed_at=timezone.now(),
        outcome=outcome,
        outcome_note=note,
    )


def _side_workspace(actor, referral, s):
    """The workspace the person acts from (a person in both: the sender's)."""
    return referral.from_workspace if s.sender else referral.to_workspace


def _locked(referral):
    """The row as committed, locked: the thread and the steps ask the policy
    about it, so a revoke or a closure that committed a moment ago counts
    (the caller's copy may be older)."""
    return Referral.objects.select_for_update().get(pk=referral.pk)


def post_message(actor, referral, body):
    with transaction.atomic():
        referral = _locked(referral)
        s = policy.sides(actor, referral)
        policy.can_post_message(actor, referral, s).require()
        errors = {}
        body = _guarded(errors, "body", body, required=True)
        _raise(errors)
        message = ReferralMessage.objects.create(
            referral=referral,
            author=actor,
            author_workspace=_side_workspace(actor, referral, s),
            body=body,
        )
        _audit(actor, actions.REFERRAL_MESSAGE, referral)
        _record_both(referral, actor, VERB_MESSAGE)
        notify.after_commit(
            referral, notify.MESSAGE, actor=actor, author_workspace=message.author_workspace
        )
    return message


def record_step(actor, referral, kind, date, note="", service=""):
    with transaction.atomic():
        referral = _locked(referral)
        s = policy.sides(actor, referral)
        policy.can_record_step(actor, referral, s).require()
        errors = {}
        if kind not in StepKind.values:
            errors["kind"] = _("Choose the kind of step.")
        if service and service not in Service.values:
            errors["service"] = _("Choose from the list.")
        if kind == StepKind.SERVICE and not service:
            errors["service"] = _("Say which service was provided.")
        if date is None:
            errors["date"] = _("Say when.")
        elif date > timezone.localdate():
            errors["date"] = _("A step cannot be in the future.")
        elif date < referral.sent_at.date():
            errors["date"] = _("A step cannot come before the referral was sent.")
        note = _guarded(errors, "note", note)
        _raise(errors)
        step = ReferralStep.objects.create(
            referral=referral,
            kind=kind,
            service=service,
            date=date,
            note=note,
            recorded_by=actor,
            recorded_in=_side_workspace(actor, referral, s),
        )
        _audit(actor, actions.REFERRAL_STEP, referral)
        _record_both(referral, actor, VERB_STEP)
    return step


def record_view(actor, referral, access):
    """Who opened a referral's case data, in the log of the side they are on."""
    workspace = referral.from_workspace if access.sides.sender else referral.to_workspace
    _audit(actor, actions.REFERRAL_VIEWED, referral, workspace=workspace)
