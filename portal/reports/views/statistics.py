from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from ..charts import bar_chart
from ..exchange import to_csv
from ..statistics import public_statistics


def statistics_page(request):
    statistics = public_statistics()
    charts = [
        bar_chart(table, statistics.k, chart_id=f"chart-{table.key}") for table in statistics.tables
    ]
    return render(
        request,
        "reports/statistics.html",
        {"statistics": statistics, "charts": charts, "k": statistics.k},
    )


@cache_control(public=True, max_age=300)
def statistics_csv(request):
    """The same figures as the page, one row per cell; small cells as "<k"."""
    statistics = public_statistics()
    rows = []
    for table in statistics.tables:
        for cell, label in table.labelled():
            rows.append(
                {
                    "dimension": table.key,
                    "category": cell.code,
                    "label": str(label),
                    "count": cell.count if not cell.suppressed else f"<{statistics.k}",
                }
            )
    rows.append(
        {
            "dimension": "total",
            "category": "",
            "label": str(_("Case records published")),
            "count": statistics.total if statistics.total is not None else f"<{statistics.k}",
        }
    )
    response = HttpResponse(
        to_csv(rows, ["dimension", "category", "label", "count"]),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="ferghana-network-statistics.csv"'
    return response
