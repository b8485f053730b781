from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.core.audience import audiences_for
from portal.core.policy import ActionRefused
from portal.core.roles import is_network_coordinator
from portal.members.access import members_area_view

from .. import services
from ..forms import DeclineShareForm
from ..models import MonitoringReport, ShareApproval
from ..policy import can_decide_share, workspace_case_access
from ..summaries import record_count_text
from .common import raise_refusal


@members_area_view(network_only=True)
def shared_reports(request):
    """Reports shared with the whole network, for people of verified member
    organisations; each opens read-only at its usual address."""
    tokens = audiences_for(request.user)
    reports = list(
        MonitoringReport.objects.visible_to(request.user, tokens)
        .shared_with_network()
        .select_related("workspace")
        .annotate(case_count=Count("cases"))
        .order_by("-period_end", "-pk")
    )
    # Record counts follow the report policy: exact for the workspace's own
    # people who read the rows, "fewer than k" below k for everyone else.
    access = {}
    for report in reports:
        if report.workspace_id not in access:
            access[report.workspace_id] = workspace_case_access(
                request.user, report.workspace, tokens
            )
        report.case_count_text = record_count_text(report.case_count, access[report.workspace_id])
    return render(
        request,
        "reports/network_reports.html",
        {
            "reports": reports,
            "pending_approvals": ShareApproval.objects.pending().count()
            if is_network_coordinator(request.user)
            else None,
        },
    )


def _coordinators_only(request):
    if not is_network_coordinator(request.user):
        raise PermissionDenied(
            _("Only network coordinators of the office approve reports for the network.")
        )


def _approvals_page(request, *, status=200, failed=None, decline_form=None):
    pending = (
        ShareApproval.objects.pending()
        .select_related("report__workspace", "report__reviewed_by", "requested_by")
        .annotate(case_count=Count("report__cases"))
        .order_by("requested_at", "pk")
    )
    rows = [
        (
            approval,
            can_decide_share(request.user, approval.report),
            decline_form if failed == approval.pk else DeclineShareForm(prefix=f"a{approval.pk}"),
        )
        for approval in pending
    ]
    return render(request, "reports/share_approvals.html", {"rows": rows}, status=status)


@members_area_view
def share_approvals(request):
    """Reports waiting for the office before they reach the network
    (PORTAL_SHARING_REQUIRES_OFFICE_APPROVAL), for network coordinators."""
    _coordinators_only(request)
    return _approvals_page(request)


def _decide(request, approval_id, decide):
    _coordinators_only(request)
    approval = get_object_or_404(ShareApproval.objects.select_related("report"), pk=approval_id)
    try:
        decide(approval)
    except services.WorkflowError as exc:
        messages.error(request, exc.message)
    except ActionRefused as exc:
        raise_refusal(exc)
    return redirect("network_reports:approvals")


@members_area_view
@require_POST
def share_approve(request, approval_id):
    def approve(approval):
        services.approve_share(approval, actor=request.user)
        messages.success(
            request,
            _("“%(title)s” is now shared with the network.") % {"title": approval.report.title},
        )

    return _decide(request, approval_id, approve)


@members_area_view
@require_POST
def share_decline(request, approval_id):
    _coordinators_only(request)
    approval = get_object_or_404(ShareApproval.objects.select_related("report"), pk=approval_id)
    form = DeclineShareForm(request.POST, prefix=f"a{approval.pk}")
    if not form.is_valid():
        # The list again, the reason as typed, and what to fix.
        return _approvals_page(request, status=400, failed=approval.pk, decline_form=form)

    def decline(approval):
        services.decline_share(approval, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            _("Sharing “%(title)s” was declined; its workspace reads your reason.")
            % {"title": approval.report.title},
        )

    return _decide(request, approval_id, decline)
