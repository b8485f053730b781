"""Requests from a person to see, correct or erase what concerns them: who
may handle them, recording them (audited), and the coordinators' alert about
overdue ones.

Who sees what: the network coordinators see every organisation's requests;
a person who owns or manages a workspace hosted by their own organisation
sees that organisation's (they answer for it). Nobody else, whatever
workspace they belong to: a guest manager from another NGO in the
organisation's workspace is not of the organisation.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core import audit_actions, personal_data
from portal.core.roles import coordinators, is_network_coordinator

from . import audit
from .mail import absolute_url, render_message, send_messages
from .models import Membership, Role, SubjectRequest, SubjectRequestStatus

SUBJECT_REQUEST_RECORDED = audit_actions.register(
    "subject_request.recorded", _("Request about personal data recorded")
)
SUBJECT_REQUEST_CHANGED = audit_actions.register(
    "subject_request.changed", _("Request about personal data updated")
)
HANDLING_ROLES = (Role.OWNER, Role.MANAGER)


def register():
    audit_actions.register_detail(
        "request_status", _("Status of the request"), values=SubjectRequestStatus.choices
    )


def organisations_handled_by(user):
    """Ids of the organisations whose requests ``user`` handles (not counting
    the coordinators' view of all)."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return []
    if not user.organisation_id:
        return []
    handles = Membership.objects.filter(
        user=user,
        role__in=HANDLING_ROLES,
        workspace__organisation_id=user.organisation_id,
        workspace__archived_at__isnull=True,
    ).exists()
    return [user.organisation_id] if handles else []


def sees_all(user):
    return is_network_coordinator(user)


def can_handle_any(user):
    return sees_all(user) or bool(organisations_handled_by(user))


def visible_to(user):
    requests = SubjectRequest.objects.select_related("organisation", "handled_by")
    if sees_all(user):
        return requests
    return requests.filter(organisation_id__in=organisations_handled_by(user))


def can_handle(user, subject_request):
    return sees_all(user) or subject_request.organisation_id in organisations_handled_by(user)


def clean_texts(subject_request):
    """Refuse personal data in the free text, and a refusal without its reason."""
    errors = {}
    for name in ("action_taken", "refusal_reason"):
        try:
            personal_data.check(getattr(subject_request, name))
        except ValidationError as error:
            errors[name] = error.messages
    if (
        subject_request.status == SubjectRequestStatus.REFUSED
        and not (subject_request.refusal_reason or "").strip()
    ):
        errors.setdefault("refusal_reason", []).append(
            _("Say why the request is refused: the person is entitled to know.")
        )
    # A date in the future would push the legal deadline out of sight.
    if subject_request.received_at and subject_request.received_at > timezone.now() + timedelta(
        minutes=5
    ):
        errors["received_at"] = [_("A request cannot be received in the future.")]
    if errors:
        raise ValidationError(errors)


def save(subject_request, *, actor):
    """Record a new request or its update; refused for anyone who may not
    handle the organisation's requests. ``handled_by`` is who last acted."""
    if not can_handle(actor, subject_request):
        raise PermissionDenied
    clean_texts(subject_request)
    new = subject_request.pk is None
    with transaction.atomic():
        if not new:
            stored = SubjectRequest.objects.select_for_update().get(pk=subject_request.pk)
            if not can_handle(actor, stored):  # moved away from an organisation they handle
                raise PermissionDenied
        subject_request.handled_by = actor
        subject_request.save()
        audit.record(
            actor,
            SUBJECT_REQUEST_RECORDED if new else SUBJECT_REQUEST_CHANGED,
            target=subject_request,
            request_status=subject_request.status,
        )
    return subject_request


def send_overdue_alert():
    """Mail each coordinator the overdue requests (counts per organisation,
    nothing about the person); nothing when none is overdue."""
    overdue = list(SubjectRequest.objects.overdue().select_related("organisation"))
    if not overdue:
        return 0
    per_organisation = {}
    for item in overdue:
        per_organisation[item.organisation.name] = (
            per_organisation.get(item.organisation.name, 0) + 1
        )
    context = {
        "count": len(overdue),
        "organisations": sorted(per_organisation.items()),
        "url": absolute_url(reverse("subject_requests:index")),
    }
    return send_messages(
        [
            render_message("members/email/subject_requests_overdue", context, person.email)
            for person in coordinators()
        ]
    )
