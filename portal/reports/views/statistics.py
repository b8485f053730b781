"""Public statistics: the latest release at /statistics/, every release kept at
/statistics/releases/<n>/, and the coordinators' page that publishes one."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache

from portal.core.roles import is_network_coordinator

from .. import corridors as corridor_views
from ..charts import bar_chart
from ..exchange import to_csv
from ..models import StatisticsRelease
from ..releases import (
    NoRelease,
    TooSoon,
    default_epsilon,
    get_release,
    latest_release,
    next_release_allowed_at,
    publish_release,
)
from ..statistics import from_release


def _release_or_404(number):
    try:
        return get_release(number)
    except NoRelease:
        raise Http404("No such release.") from None


def _render_release(request, release):
    statistics = from_release(release) if release else None
    charts = []
    if statistics is not None and statistics.has_figures:
        charts = [
            bar_chart(table, statistics.k, chart_id=f"chart-{table.key}")
            for table in statistics.tables
            if table.cells
        ]
    return render(
        request,
        "reports/statistics.html",
        {
            "statistics": statistics,
            "release": release,
            "latest": latest_release(),
            "charts": charts,
            "k": statistics.k if statistics else None,
            "can_publish": is_network_coordinator(request.user),
        },
    )


def statistics_page(request):
    """The latest release; before the first one, a page that says so."""
    return _render_release(request, latest_release())


def release_page(request, number):
    return _render_release(request, _release_or_404(number))


def release_list(request):
    return render(
        request,
        "reports/statistics_releases.html",
        {
            "releases": StatisticsRelease.objects.order_by("-number"),
            "can_publish": is_network_coordinator(request.user),
        },
    )


def _csv(release):
    """A release's figures, one row per cell; small cells as "<k"."""
    statistics = from_release(release)
    below = f"<{statistics.k}"
    rows = [
        {
            "dimension": table.key,
            "category": cell.code,
            "label": str(label),
            "count": below if cell.suppressed else cell.count,
        }
        for table in statistics.tables
        for cell, label in table.labelled()
    ]
    rows.append(
        {
            "dimension": "total",
            "category": "",
            "label": str(_("Case records published")),
            "count": below if statistics.total is None else statistics.total,
        }
    )
    response = HttpResponse(
        to_csv(rows, ["dimension", "category", "label", "count"]),
        content_type="text/csv; charset=utf-8",
    )
    name = f"ferghana-network-statistics-release-{release.number}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Statistics-Release"] = str(release.number)
    response["Last-Modified"] = http_date(release.published_at.timestamp())
    return response


@cache_control(public=True, max_age=300)
def statistics_csv(request):
    return _csv(_release_or_404(None))


@cache_control(public=True, max_age=3600)
def release_csv(request, number):
    # A release never changes: its CSV can be cached for long.
    return _csv(_release_or_404(number))


# --- Corridors ------------------------------------------------------------------


def _render_corridors(request, release):
    """The corridor view of a release (the latest at /statistics/corridors/)."""
    if release is None:
        return render(request, "reports/statistics_corridors.html", {"release": None})
    statistics = from_release(release)
    status = 200
    try:
        view = corridor_views.corridor_view(statistics, request.GET.get("year"), pick_default=True)
    except corridor_views.BadYear:
        # A typo or a made-up year: say so and show the newest year instead.
        status = 400
        view = corridor_views.corridor_view(statistics, None, pick_default=True)
    chart = None
    if view.own:
        table = corridor_views.CorridorTable(
            view.own,
            _("Corridors in %(year)s") % {"year": corridor_views.year_label(view.year)},
        )
        chart = bar_chart(
            table, view.k, chart_id="chart-corridors", label_width=330, label_limit=44
        )
        chart["no_table"] = True  # the table above is the source; the chart repeats it
    return render(
        request,
        "reports/statistics_corridors.html",
        {
            "release": release,
            "latest": latest_release(),
            "view": view,
            # The corridors' threshold: "fewer than" it, not k, for this network.
            "k": view.k,
            "rows": corridor_views.table_rows(view.own, view.k),
            "years": [(year, corridor_views.year_label(year)) for year in view.years],
            "year_label": corridor_views.year_label(view.year) if view.year else "",
            "layers": [
                {
                    "label": corridor_views.layer_label(layer),
                    "layer": layer,
                    "rows": corridor_views.table_rows(layer.corridors, layer.k),
                }
                for layer in view.layers
            ],
            "chart": chart,
            "bad_year": status == 400,
        },
        status=status,
    )


def corridors_page(request):
    return _render_corridors(request, latest_release())


def release_corridors_page(request, number):
    return _render_corridors(request, _release_or_404(number))


def _corridors_csv(request, release):
    statistics = from_release(release)
    try:
        view = corridor_views.corridor_view(statistics, request.GET.get("year"))
    except corridor_views.BadYear:
        return HttpResponse(
            _("There are no figures for that year. Pick a year from the statistics page."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(
        to_csv(corridor_views.csv_rows(view), corridor_views.CSV_COLUMNS),
        content_type="text/csv; charset=utf-8",
    )
    name = f"ferghana-network-corridors-release-{release.number}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Statistics-Release"] = str(release.number)
    return response


# Short: partner layers change when a partner's release is imported.
@cache_control(public=True, max_age=300)
def corridors_csv(request):
    return _corridors_csv(request, _release_or_404(None))


@cache_control(public=True, max_age=300)
def release_corridors_csv(request, number):
    return _corridors_csv(request, _release_or_404(number))


@never_cache
def publish_page(request):
    """Network coordinators publish a release; the office's timer runs
    ``manage.py publish_release`` instead."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_network_coordinator(request.user):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        try:
            release = publish_release(actor=request.user)
        except TooSoon:
            # Two coordinators at once, or a second click: the page says when.
            status = 409
        else:
            messages.success(
                request,
                _("Release %(number)s was published.") % {"number": release.number},
            )
            return redirect(release.get_absolute_url())
    return render(
        request,
        "reports/statistics_publish.html",
        {
            "latest": latest_release(),
            "epsilon": default_epsilon(),
            "allowed_at": next_release_allowed_at(),
        },
        status=status,
    )
