"""The corridor view: where people come from (citizenship) -> where they are
exploited (country of exploitation), by year of registration.

The network's own figures are a release's corridor table (portal.reports.
releases stores only the corridors whose noisy count reached the release's
corridor threshold, k or more: any other is "fewer than" it). Partner
networks' figures come from the layers registered in
portal.reports.statistics_layers and are shown beside them, never added up.
The page, the CSV and the API all ask this module.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .statistics import EARLIER_YEARS, category_label
from .statistics_layers import layers

# The CSV's `source` of the network's own figures; a partner's is its own label.
OWN_SOURCE = "own"


class BadYear(ValueError):
    """A year that is not one of the view's years (a typo, a made-up value)."""


@dataclass(frozen=True)
class CorridorView:
    statistics: object  # portal.reports.statistics.Statistics
    year: str | None  # None: every year (the API and CSV without ?year=)
    years: tuple  # the choices, newest first
    own: tuple  # Corridor, the selected year's (all years when year is None)
    layers: tuple  # PartnerLayer, each with the selected year's corridors only

    @property
    def k(self):
        """The smallest figure a corridor of this network is shown with: k, or
        the release's higher corridor threshold (portal.reports.releases)."""
        return self.statistics.corridor_threshold or self.statistics.k

    @property
    def has_corridor_figures(self):
        return self.statistics.corridors is not None


def release_years(statistics):
    """The years a release counted corridors for, newest first. Releases
    name them; earlier ones counted every year of the year table (its fixed
    domain, shown or not), "earlier years" last."""
    release = statistics.release
    if release is not None and "corridor_years" in (release.parameters or {}):
        return _newest_first([str(year) for year in release.parameters["corridor_years"]])
    try:
        codes = [cell.code for cell in statistics.table("year").cells]
    except StopIteration:
        codes = []
    return _newest_first(codes)


def _newest_first(codes):
    years = sorted({code for code in codes if code != EARLIER_YEARS}, reverse=True)
    return tuple(years + ([EARLIER_YEARS] if EARLIER_YEARS in codes else []))


def default_year(statistics, years):
    """The newest year with a corridor shown; else the newest year."""
    shown = {corridor.year for corridor in statistics.corridors or ()}
    return next((year for year in years if year in shown), years[0] if years else None)


def corridor_view(statistics, year=None, *, pick_default=False):
    """The view of one release. ``year`` as given by a visitor (a string):
    BadYear unless it is one of the release's or a partner layer's years. With
    ``pick_default`` and no year, the newest year with figures."""
    partner = layers()
    years = _newest_first(
        [*release_years(statistics), *(y for layer in partner for y in layer.years)]
    )
    if year in (None, ""):
        year = default_year(statistics, years) if pick_default else None
    elif year not in years:
        raise BadYear(year)
    own = tuple(
        corridor for corridor in statistics.corridors or () if year is None or corridor.year == year
    )
    if year is not None:
        partner = [layer.for_year(year) for layer in partner]
    return CorridorView(statistics, year, years, own, tuple(partner))


def year_label(year):
    return category_label("year", year)


def country_label(code):
    return category_label("country", code)


def corridor_label(corridor):
    return _("%(citizenship)s → %(country)s") % {
        "citizenship": country_label(corridor.citizenship),
        "country": country_label(corridor.country),
    }


@dataclass(frozen=True)
class CorridorTable:
    """A year's corridors shaped like a statistics Table, for charts.bar_chart."""

    corridors: tuple
    title: str
    key: str = "corridor"

    def labelled(self):
        return [(corridor, corridor_label(corridor)) for corridor in self.corridors]


def table_rows(corridors, k):
    """Rows as people read them; a figure under k as "fewer than k" (or "not
    published" for a partner that did not say its k), never its number."""
    return [
        {
            "citizenship": country_label(corridor.citizenship),
            "country": country_label(corridor.country),
            "text": _count_text(corridor, k),
            "suppressed": corridor.suppressed,
        }
        for corridor in corridors
    ]


def _count_text(corridor, k):
    if not corridor.suppressed:
        return f"{corridor.count:,}".replace(",", "\u202f")
    if k:
        return _("fewer than %(k)s") % {"k": k}
    return _("not published (small number)")


def layer_label(layer):
    published = layer.published_at
    if hasattr(published, "tzinfo") and timezone.is_aware(published):
        published = timezone.localtime(published)
    return _("Partner network: %(network)s (%(source)s), release %(release)s of %(date)s") % {
        "network": layer.network,
        "source": layer.source,
        "release": layer.release_id,
        "date": date_format(published, "DATE_FORMAT") if published else _("unknown date"),
    }


def csv_rows(view):
    """The network's own corridors, then each partner layer's, one row each;
    a figure under k as "<k", never its number."""
    release = view.statistics.release
    rows = [
        _csv_row(OWN_SOURCE, "", release.number, release.published_at, corridor, view.k)
        for corridor in view.own
    ]
    for layer in view.layers:
        rows.extend(
            _csv_row(layer.source, layer.network, layer.release_id, layer.published_at, c, layer.k)
            for c in layer.corridors
        )
    return rows


CSV_COLUMNS = (
    "source",
    "network",
    "release",
    "published_at",
    "year",
    "citizenship",
    "country",
    "count",
)


def _cell_text(value):
    """A partner's label as CSV text a spreadsheet will not run as a formula."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_row(source, network, release, published_at, corridor, k):
    below = f"<{k}" if k else "<k"
    count = below if corridor.suppressed else corridor.count
    return {
        "source": _cell_text(source),
        "network": _cell_text(network),
        "release": _cell_text(release),
        "published_at": published_at.isoformat() if published_at else "",
        "year": _cell_text(corridor.year),
        "citizenship": _cell_text(corridor.citizenship),
        "country": _cell_text(corridor.country),
        "count": count,
    }
