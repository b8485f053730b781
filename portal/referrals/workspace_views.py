"""A workspace's referrals: /workspaces/<slug>/referrals/… for the case
workers of both sides.

Thin views: who may do what is ``portal.referrals.policy`` (the buttons come
from ``referral_access``), every change is ``portal.referrals.lifecycle``.
Every view is a ``workspace_view`` with the contributors' permission, so
observers get 403 and strangers 404 before a referral is looked up; then a
referral that does not involve this workspace, or that this person may not
see (a revoked one, for the recipient), is a 404 like a made-up id.

Refusals: 404 and 403 are Django's error pages; 409 (the referral's status
does not allow it now) shows the referral with the message, so the person
sees why. A lifecycle ``ValidationError`` shows the same page with the form
and its errors (400), what was typed kept.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Case, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.core.pagination import paginate
from portal.core.policy import CONFLICT, NOT_FOUND, ActionRefused
from portal.members.access import workspace_view
from portal.members.models.workspaces import PERM_CONTRIBUTE
from portal.reports.models import CaseRecord

from . import case_data, lifecycle, policy
from .models import Service
from .referral_forms import (
    CloseForm,
    ListFilterForm,
    MessageForm,
    ReasonForm,
    ReferralForm,
    RequestForm,
    StepForm,
    add_errors,
)
from .vocabulary import DataCategory, Status

REFERRALS_PER_PAGE = 25
TAB = "referrals"


def _page(request, template, context, status=200):
    return render(request, template, {"tab": TAB, **context}, status=status)


def _detail_url(workspace, referral):
    return redirect("workspace_referrals:detail", slug=workspace.slug, referral_id=referral.pk)


def _refused(exc):
    if exc.status == NOT_FOUND:
        raise Http404(exc.message) from exc
    raise PermissionDenied(exc.message) from exc


def detail_page(request, workspace, referral, access, *, status=200, **forms):
    """The referral as this person may see it, with the forms of the actions
    ``access`` allows (bound ones passed in keep what was typed)."""
    services = dict(Service.choices)
    steps = list(referral.steps.select_related("recorded_by", "recorded_in"))
    for step in steps:
        step.service_label = services.get(step.service, step.service)
    categories = dict(DataCategory.choices)
    context = {
        "workspace": workspace,
        "referral": referral,
        "access": access,
        "case_rows": case_data.readable(referral.case_data),
        "referrer": referral.created_by,
        "messages_thread": referral.messages.select_related("author", "author_workspace"),
        "steps": steps,
        "consent_services": [str(services.get(c, c)) for c in referral.consent_services],
        "consent_data": [str(categories.get(c, c)) for c in referral.consent_data],
        "documents": referral.documents.select_related("uploaded_by", "uploaded_in"),
        "message_form": forms.get("message_form") or (MessageForm() if access.message else None),
        "step_form": forms.get("step_form")
        or (StepForm(initial={"date": timezone.localdate()}) if access.step else None),
        "decline_form": forms.get("decline_form") or (ReasonForm() if access.answer else None),
        "revoke_form": forms.get("revoke_form") or (ReasonForm() if access.revoke else None),
        "close_form": forms.get("close_form") or (CloseForm() if access.close else None),
        "side_label": _("Sent by your organisation")
        if access.sides.sender
        else _("Received by your organisation"),
    }
    return _page(request, "referrals/referral_detail.html", context, status=status)


def referral_action(view):
    """Finds the referral (404 unless this person may open it under this
    workspace's address) and answers the policy's refusals: 404/403 as error
    pages, 409 as the referral's page with the message."""

    @wraps(view)
    def wrapper(request, workspace, referral_id, **kwargs):
        try:
            referral, access = policy.readable_referral(request.user, referral_id, workspace)
        except ActionRefused:
            raise Http404("No such referral.") from None
        try:
            return view(request, workspace, referral, access, **kwargs)
        except ActionRefused as exc:
            if exc.status != CONFLICT:
                _refused(exc)
            referral.refresh_from_db()
            access = policy.referral_access(request.user, referral)
            messages.error(request, exc.message)
            return detail_page(request, workspace, referral, access, status=CONFLICT)

    return wrapper


# The list ---------------------------------------------------------------------


@workspace_view(PERM_CONTRIBUTE)
@require_GET
def referral_list(request, workspace):
    """Sent and received, overdue first, then the newest."""
    form = ListFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound else {}
    referrals = policy.referrals_of_workspace(request.user, workspace)
    if data.get("direction") == "sent":
        referrals = referrals.filter(from_workspace=workspace)
    elif data.get("direction") == "received":
        referrals = referrals.filter(to_workspace=workspace)
    if data.get("status"):
        referrals = referrals.filter(status=data["status"])
    referrals = referrals.annotate(
        overdue=Case(
            When(status=Status.PENDING, due_at__lt=timezone.now(), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    ).order_by("-overdue", "-sent_at", "-pk")
    page = paginate(request, referrals, REFERRALS_PER_PAGE, fragment="referrals")
    return _page(
        request,
        "referrals/referral_list.html",
        {
            "workspace": workspace,
            "form": form,
            "page_obj": page,
            "filtered": bool(data and any(data.values())),
        },
        status=200 if valid else 400,
    )


# A new referral ------------------------------------------------------------------


def _case_in(workspace, case_id):
    case = (
        CaseRecord.objects.select_related("report__workspace")
        .filter(pk=case_id, report__workspace=workspace)
        .first()
    )
    if case is None:
        raise Http404("No such case record.")
    return case


@workspace_view(PERM_CONTRIBUTE, write=True)
def referral_create(request, workspace, case_id):
    case = _case_in(workspace, case_id)
    decision = policy.can_refer(request.user, case)
    if not decision:
        _refused(ActionRefused(decision.message, status=decision.status))
    form = ReferralForm(request.POST or None, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        referral = form.send(request.user, case)
        if referral is not None:
            messages.success(
                request,
                _("Referral %(reference)s was sent. The recipient is told by mail.")
                % {"reference": referral.reference},
            )
            return _detail_url(workspace, referral)
    return _page(
        request,
        "referrals/referral_form.html",
        {
            "workspace": workspace,
            "case": case,
            # What each data category would pass, so the worker sees it before
            # asking the person's consent for it.
            "case_rows": case_data.readable(case_data.snapshot(case, DataCategory.values)),
            "form": form,
            "has_providers": form.fields["provider"].queryset.exists(),
        },
        status=400 if form.is_bound else 200,
    )


# One referral ----------------------------------------------------------------


@workspace_view(PERM_CONTRIBUTE)
@require_GET
@referral_action
def referral_detail(request, workspace, referral, access):
    lifecycle.record_view(request.user, referral, access)
    return detail_page(request, workspace, referral, access)


@workspace_view(PERM_CONTRIBUTE, write=True)
@referral_action
def referral_edit(request, workspace, referral, access):
    policy.can_edit_referral(request.user, referral, access.sides).require()
    form = RequestForm(request.POST or None, initial=RequestForm.initial_for(referral))
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.edit(request.user, referral, form.request())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Your changes were saved."))
            return _detail_url(workspace, referral)
    return _page(
        request,
        "referrals/referral_edit.html",
        {"workspace": workspace, "referral": referral, "form": form},
        status=400 if form.is_bound else 200,
    )


def _post_action(form_class, form_name, act, done):
    """A POST-only action on the referral: the form, the lifecycle call, and
    on a refusal of what was typed the referral's page with the form (400)."""

    @workspace_view(PERM_CONTRIBUTE, write=True)
    @require_POST
    @referral_action
    def view(request, workspace, referral, access):
        form = form_class(request.POST) if form_class else None
        if form is None or form.is_valid():
            try:
                act(request.user, referral, form.cleaned_data if form else {})
            except ValidationError as error:
                if form is None:
                    raise
                add_errors(form, error)
            else:
                messages.success(request, done())
                # The recipient's access may just have ended (a decline): back
                # to the list rather than a page that now answers 404.
                if policy.can_view_referral(request.user, referral):
                    return _detail_url(workspace, referral)
                return redirect("workspace_referrals:list", slug=workspace.slug)
        return detail_page(request, workspace, referral, access, status=400, **{form_name: form})

    return view


referral_accept = _post_action(
    None,
    "",
    lambda user, referral, data: lifecycle.accept(user, referral),
    lambda: _("You accepted the referral. The referring organisation is told by mail."),
)
referral_decline = _post_action(
    ReasonForm,
    "decline_form",
    lambda user, referral, data: lifecycle.decline(user, referral, data["reason"]),
    lambda: _("You declined the referral. Its case data is no longer available here."),
)
referral_revoke = _post_action(
    ReasonForm,
    "revoke_form",
    lambda user, referral, data: lifecycle.revoke(user, referral, data["reason"]),
    lambda: _("You revoked the referral. The recipient no longer sees it."),
)
referral_close = _post_action(
    CloseForm,
    "close_form",
    lambda user, referral, data: lifecycle.close(user, referral, data["outcome"], data["note"]),
    lambda: _("The referral is closed with its outcome."),
)
message_add = _post_action(
    MessageForm,
    "message_form",
    lambda user, referral, data: lifecycle.post_message(user, referral, data["body"]),
    lambda: _("Your message was posted."),
)
step_add = _post_action(
    StepForm,
    "step_form",
    lambda user, referral, data: lifecycle.record_step(
        user, referral, data["kind"], data["date"], data["note"], data["service"]
    ),
    lambda: _("The follow-up step was recorded."),
)
