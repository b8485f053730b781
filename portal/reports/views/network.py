from django.db.models import Count
from django.shortcuts import render

from portal.members.access import members_area_view
from portal.members.audience import audiences_for

from ..models import MonitoringReport
from ..policy import workspace_case_access
from ..summaries import record_count_text


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
    return render(request, "reports/network_reports.html", {"reports": reports})
