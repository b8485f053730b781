"""The network statistics page (/network/statistics/): live figures for
people of the network, in sections other apps register
(portal.reports.statistics_sections). The public sees only the releases at
/statistics/."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from portal.members.access import members_area_view

from ..statistics_sections import sections_for


# never_cache: the figures depend on who asks, and change with every record.
@members_area_view(network_only=True)
@never_cache
def network_statistics(request):
    return render(
        request,
        "reports/network_statistics.html",
        {
            "sections": sections_for(request),
        },
    )
