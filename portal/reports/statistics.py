"""Public statistics: the figures of a published release
(portal.reports.releases), never counted from the live records.

Each figure is a differentially private count; any figure under k is shown as
"fewer than k", never as its number. This module holds the shapes the page, the
CSV, the charts and the API read, and the labels of the categories.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from portal.core.countries import OTHER, country_name

from . import vocabulary as vocab
from .anonymity import ADULT_BAND, MINOR_BAND, WITHHELD

# The categories of the "type of exploitation" table. Begging is recorded as CTDC
# does (forced labour with typeOfLabourBegging) and counted as a category of its own.
EXPLOITATION_CATEGORIES = (
    ("isForcedLabour", _("Forced labour")),
    ("isSexualExploit", _("Sexual exploitation")),
    ("isForcedMarriage", _("Forced marriage")),
    ("typeOfLabourBegging", _("Begging")),
    ("isOrganRemoval", _("Organ removal")),
    ("isOtherExploit", _("Other exploitation")),
)

# The year table's bucket for years before the window the statistics list.
EARLIER_YEARS = "earlier"
# The key of a release's corridor table (portal.reports.releases).
CORRIDOR = "corridor"

DIMENSIONS = (
    ("year", _("Year of registration"), "yearOfRegistration"),
    ("exploitation", _("Type of exploitation"), None),
    ("country", _("Country of exploitation"), "CountryOfExploitation"),
    ("citizenship", _("Citizenship"), "citizenship"),
    ("gender", _("Gender"), "gender"),
    ("age", _("Age band"), "ageBroad"),
)
DIMENSION_TITLES = {key: title for key, title, _column in DIMENSIONS}

_GENDER_ORDER = [choice.value for choice in vocab.Gender]
# Bands by age, a generalised band ("0–17, band not published") right after the
# bands it stands for, so a hidden group never lands among the adults.
_AGE_ORDER = [
    *(band.value for band in vocab.AgeBand if band in vocab.MINOR_AGE_BANDS),
    MINOR_BAND,
    *(band.value for band in vocab.AgeBand if band not in vocab.MINOR_AGE_BANDS),
    ADULT_BAND,
    "",
    WITHHELD,
]


@dataclass(frozen=True)
class Cell:
    code: str
    count: int | None  # None: fewer than k, not shown

    @property
    def suppressed(self):
        return self.count is None


@dataclass(frozen=True)
class Table:
    key: str
    cells: tuple

    @property
    def title(self):
        return DIMENSION_TITLES[self.key]

    def labelled(self):
        return [(cell, category_label(self.key, cell.code)) for cell in self.cells]


@dataclass(frozen=True)
class Corridor:
    """People of one citizenship exploited in one country, registered in one year."""

    year: str  # a year, or EARLIER_YEARS
    citizenship: str  # ISO 3166 alpha-2, OTHER or "" (unknown)
    country: str  # of exploitation, the same codes
    count: int | None  # None: fewer than k, not shown

    @property
    def suppressed(self):
        return self.count is None


@dataclass(frozen=True)
class Statistics:
    k: int
    total: int | None  # None: fewer than k records published
    tables: tuple = field(default_factory=tuple)
    release: object = None  # the StatisticsRelease these figures come from
    # The corridors shown (count >= corridor_threshold); any other corridor is
    # "fewer than" that. None: the release was published before corridors
    # were counted.
    corridors: tuple | None = None
    corridor_threshold: int | None = None

    @property
    def published_at(self):
        return self.release.published_at if self.release else None

    def table(self, key):
        return next(table for table in self.tables if table.key == key)

    @property
    def has_figures(self):
        return self.total is not None


def sorted_codes(key, counts):
    """Categories in reading order: years and bands in order, countries by size."""
    if key == "year":
        return sorted(counts, key=lambda code: (code == WITHHELD, str(code)))
    if key == "gender":
        return sorted(counts, key=lambda code: _order(_GENDER_ORDER, code))
    if key == "age":
        return sorted(counts, key=lambda code: _order(_AGE_ORDER, code))
    # Countries: most frequent first; unknown, other and withheld last.
    return sorted(
        counts, key=lambda code: (code in ("", OTHER, WITHHELD), -counts[code], str(code))
    )


def _order(order, code):
    return order.index(code) if code in order else len(order)


def category_label(key, code):
    if code == WITHHELD:
        return _("Not published (small group)")
    if key == "exploitation":
        return dict(EXPLOITATION_CATEGORIES).get(code, code)
    if code == "":
        return _("Unknown")
    if key == "year" and code == EARLIER_YEARS:
        return _("Earlier years")
    if key in ("country", "citizenship"):
        return country_name(code)
    if key == "gender":
        return vocab.Gender(code).label if code in vocab.Gender.values else code
    if key == "age":
        if code == MINOR_BAND:
            return _("0–17 (band not published)")
        if code == ADULT_BAND:
            return _("18+ (band not published)")
        return vocab.AgeBand(code).label if code in vocab.AgeBand.values else code
    return code


def small_cell(code, count, k):
    """The small-cell rule: a count under k is not shown ("fewer than k")."""
    return Cell(str(code), count if count >= k else None)


def aggregate(data):
    """Counts of rows already made k-anonymous (``data.rows``, ``data.k``), with
    every cell under k suppressed. Per-report totals for people who may not read
    the rows use it (portal.reports.summaries); published statistics come from a
    release instead, whose counts also carry noise."""
    k = data.k
    rows = data.rows
    tables = []
    for key, _title, column in DIMENSIONS:
        if key == "exploitation":
            cells = tuple(
                small_cell(code, sum(1 for row in rows if int(row.get(code) or 0)), k)
                for code, _label in EXPLOITATION_CATEGORIES
            )
        else:
            counts = {}
            for row in rows:
                code = str(row[column])
                counts[code] = counts.get(code, 0) + 1
            cells = tuple(small_cell(code, counts[code], k) for code in sorted_codes(key, counts))
        tables.append(Table(key, cells))
    total = len(rows)
    return Statistics(k=k, total=total if total >= k else None, tables=tuple(tables))


def from_release(release):
    """The figures of a release, exactly as stored when it was published."""
    tables = tuple(
        Table(
            table["key"],
            _in_reading_order(
                table["key"], [Cell(str(cell["code"]), cell["count"]) for cell in table["cells"]]
            ),
        )
        for table in release.tables
        if table["key"] != CORRIDOR
    )
    stored = next((table for table in release.tables if table["key"] == CORRIDOR), None)
    corridors = None
    if stored is not None:
        corridors = tuple(
            Corridor(
                str(cell["year"]), str(cell["citizenship"]), str(cell["country"]), cell["count"]
            )
            for cell in stored["cells"]
        )
    return Statistics(
        k=release.parameters["k"],
        total=release.total,
        tables=tables,
        release=release,
        corridors=corridors,
        corridor_threshold=release.parameters.get("corridor_threshold", release.parameters["k"]),
    )


def _in_reading_order(key, cells):
    """Releases published before the age order was fixed stored the hidden
    bands last; the figures stay as published, only their order follows the
    ages."""
    if key == "age":
        cells = sorted(cells, key=lambda cell: _order(_AGE_ORDER, cell.code))
    return tuple(cells)
