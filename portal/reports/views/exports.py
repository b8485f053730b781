from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from portal.members.access import workspace_view

from .. import exports
from ..anonymity import default_k
from ..models import MonitoringReport
from ..policy import CASE_ROWS_PERMISSION, workspace_case_access
from ..releases import NoRelease, latest_release
from .common import render_in_workspace, report_in

VARIANTS = {"records": False, "anonymised": True}


def attachment(export):
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    # Restricted data: no copy in a browser or proxy cache.
    response["Cache-Control"] = "no-store"
    return response


@workspace_view(CASE_ROWS_PERMISSION)
def export_page(request, workspace):
    reports = MonitoringReport.objects.filter(workspace=workspace).order_by("-period_end", "-pk")
    return render_in_workspace(
        request,
        "reports/export.html",
        {
            "workspace": workspace,
            "reports": reports,
            "k": default_k(),
            "release": latest_release(),
        },
    )


@workspace_view(CASE_ROWS_PERMISSION)
@never_cache
def export_download(request, workspace, variant, fmt):
    if variant not in VARIANTS or fmt not in exports.FORMATS:
        raise Http404("No such export.")
    if not VARIANTS[variant] and not workspace_case_access(request.user, workspace).export_raw:
        # The decorator's permission is the policy's; asking by name keeps the
        # raw file tied to the same answer as the API's case rows.
        raise PermissionDenied(_("Raw case records are open to members who work on the data."))
    report = None
    report_id = request.GET.get("report")
    if report_id:
        # Only ASCII digits: str.isdigit() also accepts "²" and "١", which int()
        # refuses or reads as another report's number.
        if not (report_id.isascii() and report_id.isdecimal()):
            raise Http404("No such report.")
        report = report_in(workspace, int(report_id))
    try:
        export = exports.export_workspace(
            workspace,
            fmt=fmt,
            anonymised=VARIANTS[variant],
            report=report,
            actor=request.user,
        )
    except NoRelease:
        messages.error(
            request,
            _(
                "No statistics release has been published yet, so there is no "
                "anonymised export: partners have received nothing."
            ),
        )
        response = export_page(request, slug=workspace.slug)
        response.status_code = 404
        return response
    return attachment(export)
