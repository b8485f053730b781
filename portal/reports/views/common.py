from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect

from portal.members.access import members_area_gate

from ..models import MonitoringReport
from ..policy import report_access
from ..services import WorkflowError


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
        report = (
            MonitoringReport.objects.select_related("workspace")
            .filter(pk=report_id, workspace__slug=slug)
            .first()
        )
        if report is None:
            raise Http404("No such report.")
        access = report_access(request.user, report)
        if not access.view:
            raise Http404("No such report.")
        return view(request, report, access, *args, **kwargs)

    return wrapper


def workflow_redirect(view):
    """A workflow refusal (wrong state, stale form) becomes a message on the
    report page rather than an error page: the person sees why and what now."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except WorkflowError as exc:
            messages.error(request, str(exc))
            workspace = kwargs.get("workspace") or request.workspace
            return redirect(
                "reports:detail", slug=workspace.slug, report_id=kwargs.get("report_id")
            )

    return wrapper
