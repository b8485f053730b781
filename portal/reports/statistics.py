"""Public statistics: counts from reviewed case records of reports shared with
the network, computed as aggregates of the k-anonymous release
(portal.reports.anonymity), so they always agree with the partner export.

Any cell under k is shown as "fewer than k", never as its number. Results are
cached and the cache is dropped whenever a report or a case record changes.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.countries import country_name

from . import vocabulary as vocab
from .anonymity import ADULT_BAND, MINOR_BAND, WITHHELD, anonymise, default_k

CACHE_KEY = "reports:public-statistics:v1:k{k}"

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
_AGE_ORDER = [choice.value for choice in vocab.AgeBand] + [MINOR_BAND, ADULT_BAND, "", WITHHELD]


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
class Statistics:
    k: int
    total: int | None  # None: fewer than k records published
    tables: tuple = field(default_factory=tuple)
    generated_at: object = None

    def table(self, key):
        return next(table for table in self.tables if table.key == key)

    @property
    def has_figures(self):
        return self.total is not None


def _cell(code, count, k):
    return Cell(str(code), count if count >= k else None)


def sorted_codes(key, counts):
    """Categories in reading order: years and bands in order, countries by size."""
    if key == "year":
        return sorted(counts, key=lambda code: (code == WITHHELD, str(code)))
    if key == "gender":
        return sorted(counts, key=lambda code: _order(_GENDER_ORDER, code))
    if key == "age":
        return sorted(counts, key=lambda code: _order(_AGE_ORDER, code))
    # Countries: most frequent first; unknown and withheld last.
    return sorted(counts, key=lambda code: (code in ("", WITHHELD), -counts[code], str(code)))


def _order(order, code):
    return order.index(code) if code in order else len(order)


def aggregate(data):
    """The statistics of an AnonymisedData release (no cell under k is ever shown)."""
    k = data.k
    rows = data.rows
    tables = []
    for key, _title, column in DIMENSIONS:
        if key == "exploitation":
            cells = tuple(
                _cell(code, sum(1 for row in rows if int(row.get(code) or 0)), k)
                for code, _label in EXPLOITATION_CATEGORIES
            )
        else:
            counts = {}
            for row in rows:
                code = str(row[column])
                counts[code] = counts.get(code, 0) + 1
            cells = tuple(_cell(code, counts[code], k) for code in sorted_codes(key, counts))
        tables.append(Table(key, cells))
    total = len(rows)
    return Statistics(
        k=k,
        total=total if total >= k else None,
        tables=tuple(tables),
        generated_at=timezone.now(),
    )


def category_label(key, code):
    if code == WITHHELD:
        return _("Not published (small group)")
    if key == "exploitation":
        return dict(EXPLOITATION_CATEGORIES).get(code, code)
    if code == "":
        return _("Unknown")
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


# --- The published dataset --------------------------------------------------------


def published_rows():
    """Exchange rows of every reviewed record of a report shared with the network."""
    from .exchange import records_rows
    from .models import CaseRecord

    return list(records_rows(CaseRecord.objects.published()))


def published_release(k=None):
    """The anonymised release partners receive and statistics are made from."""
    return anonymise(published_rows(), k)


def _cache_key(k):
    return CACHE_KEY.format(k=k)


def public_statistics():
    k = default_k()
    key = _cache_key(k)
    statistics = cache.get(key)
    if statistics is None:
        statistics = aggregate(published_release(k))
        cache.set(key, statistics, settings.PORTAL_STATISTICS_CACHE_SECONDS)
    return statistics


def invalidate_statistics():
    cache.delete(_cache_key(default_k()))
