from django.db.models import Count
from django.shortcuts import render

from portal.members.access import members_area_view
from portal.members.audience import audiences_for

from ..models import MonitoringReport


@members_area_view(network_only=True)
def shared_reports(request):
    """Reports shared with the whole network, for people of verified member
    organisations; each opens read-only at its usual address."""
    reports = (
        MonitoringReport.objects.visible_to(request.user, audiences_for(request.user))
        .shared_with_network()
        .select_related("workspace")
        .annotate(case_count=Count("cases"))
        .order_by("-period_end", "-pk")
    )
    return render(request, "reports/network_reports.html", {"reports": reports})
