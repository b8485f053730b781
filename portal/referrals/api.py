"""/api/v1/referrals: the members' API for referrals (issue 16), with the
signed-in person's browser session, as the members' routes of portal.api.

Every answer comes from ``portal.referrals.policy`` and every change from
``portal.referrals.lifecycle``, exactly as on the pages:

- 401 without a session (a partner's API token is no session: it opens
  nothing here), 403 for a session that has not passed the second factor;
- 404 for a referral the person may not know exists (same answer as a
  made-up id): observers, a third organisation, coordinators, and the
  recipient once the sender revoked it or the recipient declined it;
- 403 for a side that may see the referral but not act (the sender
  accepting its own referral, an archived workspace);
- 409 for an action that waits on the status (editing once answered);
- 400 with ``errors`` by field for what the person typed (consent, the
  personal-data guard on every free text, codes outside the lists); 422 for
  a body that is not the documented JSON at all.

Coordinators get nothing here: the network's referral metadata is theirs in
the admin, and the case data, needs and thread are never theirs.
"""

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as Reply
from pydantic import BaseModel, ConfigDict, Field

from portal.api.api import MAX_OFFSET
from portal.api.auth import MemberSession
from portal.api.schemas import ErrorOut
from portal.core.audience import audiences_for
from portal.core.policy import NOT_FOUND, ActionRefused
from portal.members.models import Workspace
from portal.reports.models import CaseRecord

from . import lifecycle, policy
from .models import Language, Referral, Service
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

router = Router(tags=["Referrals"], auth=MemberSession())

MAX_ID = 2**63 - 1  # BigAutoField; a larger number is refused as a bad request


def _codes(choices):
    """A coded value, its codes listed in the OpenAPI document."""
    return Literal[tuple(choices.values)]


def _documented(choices, description=""):
    # Input codes are checked by the lifecycle (400 with a translated message
    # per field); the document still lists them.
    return Field(
        default="",
        description=description or None,
        json_schema_extra={"enum": list(choices.values)},
    )


def _documented_list(choices, description=""):
    return Field(
        default_factory=list,
        description=description or None,
        json_schema_extra={"items": {"type": "string", "enum": list(choices.values)}},
    )


# --- Shapes --------------------------------------------------------------------------


class FieldErrorsOut(Schema):
    detail: str = Field(description="Every message below, in one sentence; nothing was saved.")
    errors: dict[str, list[str]] = Field(description="Messages by field of the request body.")


class PersonOut(Schema):
    name: str
    email: str


class ConsentOut(Schema):
    given_by: _codes(ConsentGiver)
    date: datetime.date
    method: _codes(ConsentMethod)
    services: list[_codes(Service)]
    data: list[_codes(DataCategory)]


class MessageOut(Schema):
    id: int
    side: Literal["sender", "recipient"]
    author: str
    body: str
    created_at: datetime.datetime


class StepOut(Schema):
    id: int
    side: Literal["sender", "recipient"]
    kind: _codes(StepKind)
    service: _codes(Service) | None
    date: datetime.date
    note: str
    recorded_by: str
    created_at: datetime.datetime


class ActionsOut(Schema):
    """What this person may do now (the same answers as the services)."""

    edit: bool
    answer: bool = Field(description="Accept or decline.")
    revoke: bool
    close: bool
    message: bool
    step: bool


class ReferralOut(Schema):
    id: int
    reference: str
    status: _codes(Status)
    direction: Literal["sent", "received"] = Field(description="Seen from your side.")
    workspace: str = Field(description="Your side's workspace (its slug).")
    from_organisation: str
    from_country: str
    to_organisation: str
    to_country: str
    provider: str
    services: list[_codes(Service)]
    phase: _codes(Phase) = Field(description="Phase of the Transnational Referral Mechanism.")
    urgency: _codes(Urgency)
    languages: list[_codes(Language)]
    sent_at: datetime.datetime
    due_at: datetime.datetime = Field(description="When an answer is expected.")
    overdue: bool
    responded_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    outcome: _codes(Outcome) | None


class ReferralDetailOut(ReferralOut):
    needs: str
    sender_contact: str = Field(description="How to reach the referring worker.")
    referred_by: PersonOut | None
    data_categories: list[_codes(DataCategory)]
    case_data: dict[str, int | str | list[str]] = Field(
        description="The coded case data the person consented to pass (HTCDS/CTDC columns); "
        "never identity."
    )
    consent: ConsentOut | None = Field(description="None: sent without consent (see override).")
    override_reason: str = Field(description="Why it was sent without consent.")
    decline_reason: str
    revoke_reason: str
    outcome_note: str
    messages: list[MessageOut]
    steps: list[StepOut]
    can: ActionsOut


class ReferralsPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[ReferralOut]


class In(BaseModel):
    """A request body: exactly the documented JSON object (ninja's Schema
    would read any value's attributes, so a string could pass for an object),
    unknown fields refused so that a misspelt one is not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class ConsentIn(In):
    given_by: str = _documented(ConsentGiver)
    date: datetime.date | None = None
    method: str = _documented(ConsentMethod)
    services: list[str] = _documented_list(Service, "The services the consent covers.")
    data: list[str] = _documented_list(DataCategory, "The data the consent covers.")


class ReferralIn(In):
    case: int = Field(ge=1, le=MAX_ID, description="A case record of your workspace.")
    provider: int = Field(ge=1, le=MAX_ID, description="A provider of the service directory.")
    services: list[str] = _documented_list(Service)
    phase: str = _documented(Phase)
    urgency: str = _documented(Urgency)
    languages: list[str] = _documented_list(Language)
    needs: str = Field("", description="No names, contacts or dates of birth.")
    sender_contact: str = ""
    data_categories: list[str] = _documented_list(
        DataCategory, "Which coded case data the referral carries."
    )
    consent: ConsentIn | None = Field(None, description="The person's consent, as recorded.")
    override_reason: str = Field(
        "", description="Without consent: why the referral cannot wait (shown to the recipient)."
    )


class ReferralEditIn(In):
    """Only what is sent changes."""

    services: list[str] | None = Field(
        None, json_schema_extra={"items": {"type": "string", "enum": list(Service.values)}}
    )
    phase: str | None = Field(None, json_schema_extra={"enum": list(Phase.values)})
    urgency: str | None = Field(None, json_schema_extra={"enum": list(Urgency.values)})
    languages: list[str] | None = Field(
        None, json_schema_extra={"items": {"type": "string", "enum": list(Language.values)}}
    )
    needs: str | None = None
    sender_contact: str | None = None


class ReasonIn(In):
    reason: str = ""


class CloseIn(In):
    outcome: str = _documented(Outcome)
    note: str = ""


class MessageIn(In):
    body: str = ""


class StepIn(In):
    kind: str = _documented(StepKind)
    date: datetime.date | None = None
    service: str = Field(
        "",
        description="Required for a service step.",
        json_schema_extra={"enum": ["", *Service.values]},
    )
    note: str = ""


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
CHANGE_ERRORS = {**ERRORS, 400: FieldErrorsOut, 409: ErrorOut}


# --- Out ---------------------------------------------------------------------------


def _field_errors(error):
    errors = error.message_dict if hasattr(error, "error_dict") else {"body": error.messages}
    messages = [message for field in errors.values() for message in field]
    return Reply(400, {"detail": " ".join(messages), "errors": errors})


def _person(user):
    return {"name": str(user), "email": user.email} if user is not None else None


def _summary(referral, sent):
    return {
        "id": referral.pk,
        "reference": referral.reference,
        "status": referral.status,
        "direction": "sent" if sent else "received",
        "workspace": (referral.from_workspace if sent else referral.to_workspace).slug,
        "from_organisation": referral.from_organisation.name if referral.from_organisation else "",
        "from_country": referral.from_country,
        "to_organisation": referral.to_organisation.name,
        "to_country": referral.to_country,
        "provider": referral.provider.display_name,
        "services": referral.services,
        "phase": referral.phase,
        "urgency": referral.urgency,
        "languages": referral.languages,
        "sent_at": referral.sent_at,
        "due_at": referral.due_at,
        "overdue": referral.is_overdue,
        "responded_at": referral.responded_at,
        "revoked_at": referral.revoked_at,
        "closed_at": referral.closed_at,
        "outcome": referral.outcome or None,
    }


def _side(referral, workspace_id):
    return "sender" if workspace_id == referral.from_workspace_id else "recipient"


def _message_out(referral, message):
    return {
        "id": message.pk,
        "side": _side(referral, message.author_workspace_id),
        "author": str(message.author) if message.author else "",
        "body": message.body,
        "created_at": message.created_at,
    }


def _step_out(referral, step):
    return {
        "id": step.pk,
        "side": _side(referral, step.recorded_in_id),
        "kind": step.kind,
        "service": step.service or None,
        "date": step.date,
        "note": step.note,
        "recorded_by": str(step.recorded_by) if step.recorded_by else "",
        "created_at": step.created_at,
    }


def _detail(referral, access):
    consent = None
    if referral.consent_given:
        consent = {
            "given_by": referral.consent_given_by,
            "date": referral.consent_date,
            "method": referral.consent_method,
            "services": referral.consent_services,
            "data": referral.consent_data,
        }
    messages = referral.messages.select_related("author")
    steps = referral.steps.select_related("recorded_by")
    return {
        **_summary(referral, access.sides.sender),
        "needs": referral.needs,
        "sender_contact": referral.sender_contact,
        "referred_by": _person(referral.created_by),
        "data_categories": referral.data_categories,
        "case_data": referral.case_data,
        "consent": consent,
        "override_reason": referral.override_reason,
        "decline_reason": referral.decline_reason,
        "revoke_reason": referral.revoke_reason,
        "outcome_note": referral.outcome_note,
        "messages": [_message_out(referral, message) for message in messages],
        "steps": [_step_out(referral, step) for step in steps],
        "can": {
            "edit": access.edit,
            "answer": access.answer,
            "revoke": access.revoke,
            "close": access.close,
            "message": access.message,
            "step": access.step,
        },
    }


def _readable(user, referral_id):
    """The referral and the person's access, or ActionRefused (404) for
    anything they may not know exists (a number no row can have included)."""
    if not 0 < referral_id <= MAX_ID:
        raise ActionRefused(_("Not found."), status=NOT_FOUND)
    return policy.readable_referral(user, referral_id)


def _fresh(user, referral):
    """After a change: read again (with the person's access as it now is)."""
    referral = Referral.objects.select_related(
        "from_workspace", "to_workspace", "provider", "from_organisation", "to_organisation"
    ).get(pk=referral.pk)
    return referral, policy.referral_access(user, referral)


# --- Routes ------------------------------------------------------------------------


def _case_worker_workspaces(user):
    tokens = audiences_for(user)
    return [
        workspace
        for workspace in Workspace.objects.for_user(user)
        if policy.is_case_worker(user, workspace, tokens)
    ]


STATUS_QUERY = Query(None, description="Only referrals in this status.")


@router.get("", response={200: ReferralsPageOut, **ERRORS}, summary="My referrals")
def referral_list(
    request,
    status: _codes(Status) | None = STATUS_QUERY,
    workspace: str | None = Query(
        None, max_length=100, description="Only this workspace's (its slug)."
    ),
    direction: Literal["sent", "received"] | None = Query(None),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    """The referrals sent and received by the workspaces where you work on
    cases (member, manager, owner; observers see none), newest first. A
    received referral leaves the list once the sender revokes it or your
    side declines it."""
    mine = _case_worker_workspaces(request.auth)
    if workspace is not None:
        mine = [w for w in mine if w.slug == workspace]
    ids = [w.pk for w in mine]
    sent = Q(from_workspace__in=ids)
    received = Q(to_workspace__in=ids, status__in=policy.RECIPIENT_SEES)
    where = {"sent": sent, "received": received}.get(direction, sent | received)
    referrals = Referral.objects.filter(where).select_related(
        "from_workspace", "to_workspace", "provider", "from_organisation", "to_organisation"
    )
    if status is not None:
        referrals = referrals.filter(status=status)
    count = referrals.count() if ids else 0
    page = list(referrals[offset : offset + limit]) if ids else []
    return {
        "count": count,
        "limit": limit,
        "offset": offset,
        "items": [_summary(r, r.from_workspace_id in ids) for r in page],
    }


@router.post(
    "",
    response={201: ReferralDetailOut, 400: FieldErrorsOut, **ERRORS},
    summary="Refer a case",
)
def referral_create(request, data: ReferralIn):
    """Refer a case record of your workspace to a provider of the directory.
    Without ``consent``, an ``override_reason`` of at least 20 characters is
    required (shown to the recipient and audited); otherwise it is refused."""
    user = request.auth
    case = CaseRecord.objects.select_related("report__workspace").filter(pk=data.case).first()
    if case is None:
        raise ActionRefused(_("Not found."), status=NOT_FOUND)
    policy.can_refer(user, case).require()
    provider = policy.providers_visible_to(user).filter(pk=data.provider).first()
    if provider is None:
        return _field_errors(
            ValidationError({"provider": _("Choose a provider from the service directory.")})
        )
    if data.consent is not None and data.override_reason.strip():
        return _field_errors(
            ValidationError(
                {
                    "override_reason": _(
                        "The person's consent is recorded: leave the reason to go without it empty."
                    )
                }
            )
        )
    given = data.consent is not None
    consent = data.consent or ConsentIn()
    try:
        referral = lifecycle.send(
            user,
            case,
            provider,
            lifecycle.Request(
                services=tuple(data.services),
                phase=data.phase,
                urgency=data.urgency,
                languages=tuple(data.languages),
                needs=data.needs,
                sender_contact=data.sender_contact,
                data_categories=tuple(data.data_categories),
            ),
            lifecycle.Consent(
                given=given,
                given_by=consent.given_by,
                date=consent.date,
                method=consent.method,
                services=tuple(consent.services),
                data=tuple(consent.data),
                override_reason=data.override_reason,
            ),
        )
    except ValidationError as error:
        return _field_errors(error)
    return Reply(201, _detail(*_fresh(user, referral)))


@router.get(
    "/{referral_id}",
    response={200: ReferralDetailOut, **ERRORS},
    summary="One referral",
)
def referral_detail(request, referral_id: int):
    """The referral with its case data, needs, thread and steps, for the case
    workers of its two sides. Each opening is written to your side's audit log."""
    referral, access = _readable(request.auth, referral_id)
    lifecycle.record_view(request.auth, referral, access)
    return _detail(referral, access)


@router.patch(
    "/{referral_id}",
    response={200: ReferralDetailOut, **CHANGE_ERRORS},
    summary="Change what is asked",
)
def referral_edit(request, referral_id: int, data: ReferralEditIn):
    """The referring side, until the recipient answers (409 after). The
    person's consent must still cover the services."""
    user = request.auth
    referral, _access = _readable(user, referral_id)
    asked = data.model_dump(exclude_unset=True)

    def value(name):
        given = asked.get(name)
        return getattr(referral, name) if given is None else given

    try:
        referral = lifecycle.edit(
            user,
            referral,
            lifecycle.Request(
                services=tuple(value("services")),
                phase=value("phase"),
                urgency=value("urgency"),
                languages=tuple(value("languages")),
                needs=value("needs"),
                sender_contact=value("sender_contact"),
            ),
        )
    except ValidationError as error:
        return _field_errors(error)
    return Reply(200, _detail(*_fresh(user, referral)))


def _transition(request, referral_id, act):
    user = request.auth
    referral, _access = _readable(user, referral_id)
    try:
        referral = act(user, referral)
    except ValidationError as error:
        return _field_errors(error)
    referral, access = _fresh(user, referral)
    return Reply(200, _summary(referral, access.sides.sender))


@router.post(
    "/{referral_id}/accept",
    response={200: ReferralOut, **CHANGE_ERRORS},
    summary="Accept a referral",
)
def referral_accept(request, referral_id: int):
    """The receiving side; the referring side can no longer change it."""
    return _transition(request, referral_id, lifecycle.accept)


@router.post(
    "/{referral_id}/decline",
    response={200: ReferralOut, **CHANGE_ERRORS},
    summary="Decline a referral",
)
def referral_decline(request, referral_id: int, data: ReasonIn):
    """The receiving side, with a reason for the referring side. The
    referral then leaves the receiving side."""
    return _transition(
        request, referral_id, lambda user, referral: lifecycle.decline(user, referral, data.reason)
    )


@router.post(
    "/{referral_id}/revoke",
    response={200: ReferralOut, **CHANGE_ERRORS},
    summary="Revoke a referral",
)
def referral_revoke(request, referral_id: int, data: ReasonIn):
    """The referring side, while it is open: the recipient's access ends at once."""
    return _transition(
        request, referral_id, lambda user, referral: lifecycle.revoke(user, referral, data.reason)
    )


@router.post(
    "/{referral_id}/close",
    response={200: ReferralOut, **CHANGE_ERRORS},
    summary="Close a referral with its outcome",
)
def referral_close(request, referral_id: int, data: CloseIn):
    """The receiving side, once it accepted."""
    return _transition(
        request,
        referral_id,
        lambda user, referral: lifecycle.close(user, referral, data.outcome, data.note),
    )


@router.get(
    "/{referral_id}/messages",
    response={200: list[MessageOut], **ERRORS},
    summary="The thread of a referral",
)
def message_list(request, referral_id: int):
    referral, _access = _readable(request.auth, referral_id)
    messages = referral.messages.select_related("author")
    return [_message_out(referral, message) for message in messages]


@router.post(
    "/{referral_id}/messages",
    response={201: MessageOut, **CHANGE_ERRORS},
    summary="Write on the thread",
)
def message_add(request, referral_id: int, data: MessageIn):
    """Either side, while the referral is open (409 after). No names or contacts."""
    user = request.auth
    referral, _access = _readable(user, referral_id)
    try:
        message = lifecycle.post_message(user, referral, data.body)
    except ValidationError as error:
        return _field_errors(error)
    return Reply(201, _message_out(referral, message))


@router.get(
    "/{referral_id}/steps",
    response={200: list[StepOut], **ERRORS},
    summary="Follow-up steps of a referral",
)
def step_list(request, referral_id: int):
    referral, _access = _readable(request.auth, referral_id)
    steps = referral.steps.select_related("recorded_by")
    return [_step_out(referral, step) for step in steps]


@router.post(
    "/{referral_id}/steps",
    response={201: StepOut, **CHANGE_ERRORS},
    summary="Record a follow-up step",
)
def step_add(request, referral_id: int, data: StepIn):
    """Either side, once accepted and until closed (409 otherwise): a service
    given or a contact, with its outcome."""
    user = request.auth
    referral, _access = _readable(user, referral_id)
    try:
        step = lifecycle.record_step(user, referral, data.kind, data.date, data.note, data.service)
    except ValidationError as error:
        return _field_errors(error)
    return Reply(201, _step_out(referral, step))
