from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from portal.core.policy import NOT_FOUND, ActionRefused
from portal.members.access import RULE_WORKSPACE, members_area_gate, workspace_perms
from portal.members.models import Membership
from portal.members.models.workspaces import PERM_VIEW

from ..models import MonitoringReport
from ..policy import WorkflowError
from ..policy import readable_report as find_readable_report


def report_in(workspace, report_id):
    return get_object_or_404(
        MonitoringReport.objects.select_related("workspace"), workspace=workspace, pk=report_id
    )


def readable_report(view):
    """For pages a network member may read too: login and MFA gate, then the
    report if ``audience.can_see`` lets this person open it, else 404 (also
    for a slug that does not match the report: URLs are not guessable)."""

    @wraps(view)
    def wrapper(request, slug, report_id, *args, **kwargs):
        gate = members_area_gate(request)
        if gate is not None:
            return gate
        try:
            report, access = find_readable_report(request.user, slug, report_id)
        except ActionRefused:
            raise Http404("No such report.") from None
        if access.member:
            # What workspace_view provides, for the workspace's tabs and header.
            request.workspace = report.workspace
            request.workspace_perms = workspace_perms(request.user, report.workspace)
            request.membership = Membership.objects.filter(
                workspace=report.workspace, user=request.user
            ).first()
        return view(request, report, access, *args, **kwargs)

    # For the members' permission matrix: towards the workspace's own people
    # this is exactly workspace_view(PERM_VIEW); the one addition, network
    # members reading a report shared with the network, is tested in
    # tests/reports (the matrix builds a workspace-only report).
    wrapper.access_rule = RULE_WORKSPACE
    wrapper.workspace_perm = PERM_VIEW
    wrapper.workspace_write = False
    return wrapper


def render_in_workspace(request, template, context, status=200):
    """A page inside the workspace, under its "Reports" tab."""
    return render(request, template, {"tab": "reports", **context}, status=status)


def raise_refusal(refused):
    """A policy's refusal as Django's error pages answer it (404 or 403, with
    its message)."""
    if refused.status == NOT_FOUND:
        raise Http404(refused.message) from refused
    raise PermissionDenied(refused.message) from refused


def workflow_redirect(view):
    """Answers the policy's refusals (portal.core.policy.ActionRefused) raised
    by the view or its services. A workflow refusal (wrong state, four eyes,
    stale form) becomes a message on the report page rather than an error
    page: the person sees why and what now. Others are a 403 or a 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except WorkflowError as exc:
            messages.error(request, exc.message)
            workspace = kwargs.get("workspace") or request.workspace
            return redirect(
                "reports:detail", slug=workspace.slug, report_id=kwargs.get("report_id")
            )
        except ActionRefused as exc:
            raise_refusal(exc)

    return wrapper
