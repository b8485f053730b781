"""Statistics releases: what leaves the network, published as dated snapshots.

Nothing that leaves the network is recomputed when a report changes. The office
(or a timer running ``manage.py publish_release``) publishes a *release*: one
snapshot of the reviewed case records of reports shared with the network, kept
for good and numbered. Public statistics, the partner API and the workspaces'
"for partners" exports all read a release, never the live records.

Two tiers, two protections:

- **Public figures** (the /statistics/ tables, the CSV, /api/v1/statistics):
  differentially private counts made with OpenDP. Each figure is a count over
  the raw records of the snapshot with discrete Laplace noise; a figure whose
  noisy value is below k is published as "fewer than k". One person is one
  record; a record adds at most 1 to each of the QUERIES (the total, one
  category of each single-valued table, each type of exploitation it has, one
  corridor), so the whole release has L1 sensitivity len(QUERIES) and every figure gets noise
  of scale len(QUERIES) / epsilon: the release is epsilon-differentially private
  (OpenDP's privacy map of the composed measurement says so, and a test checks
  it). The noise is drawn once, at publication, and stored: a reload never
  re-samples, since averaging many samples would remove the noise.
- **Partner rows** (the API's anonymised records, the "for partners" export):
  k-anonymous rows (portal.reports.anonymity), made *per workspace*. A
  workspace's released rows depend on that workspace's records alone, so made-up
  records in one workspace can never complete a combination with another
  workspace's real record, and the workspace gets its own share back unchanged.
  The union is still k-anonymous (every combination comes from one workspace
  where it occurs at least k times).

Each row keeps, internally, the workspace and report it came from; that never
leaves the portal.

Corridors (where people come from -> where they are exploited, by year) are one
more query of the same composed measurement: a record adds 1 to exactly one
(year, citizenship, country of exploitation) cell of the fixed public domain
(years of the year table x the listed countries, "Other" and unknown, for both
countries), so the release's sensitivity grows by exactly 1. The domain never
comes from the data: every cell of it gets noise, also those nobody is in. The
release stores ONLY the corridors whose noisy count reached k, as the table
``{"key": "corridor", "cells": [{"year", "citizenship", "country", "count"}]}``:
a corridor a release does not list is "fewer than k" (stored 1,100 cells of
mostly "fewer than k" would say nothing more). Releases published before the
corridor query have no such table at all.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.core.countries import OTHER
from portal.members import audit

from . import audit_actions
from . import vocabulary as vocab
from .anonymity import ANONYMISED_COLUMNS, QUASI_IDENTIFIERS, anonymise, default_k
from .exchange import record_row
from .models import CaseRecord, ReleaseRow, StatisticsRelease
from .statistics import CORRIDOR, EARLIER_YEARS, EXPLOITATION_CATEGORIES, sorted_codes

METHOD = "opendp-discrete-laplace+per-workspace-k-anonymity"
ORIGIN = "_origin_report"  # carried through the anonymiser, never published
TOTAL = "total"
# The five single-valued tables: key -> exchange column.
SINGLE_VALUED = (
    ("year", "yearOfRegistration"),
    ("country", "CountryOfExploitation"),
    ("citizenship", "citizenship"),
    ("gender", "gender"),
    ("age", "ageBroad"),
)
_SEPARATOR = "\x1f"
# Joins year, citizenship and country into one category of the corridor query;
# not _SEPARATOR, which splits the encoded record into its fields.
_CORRIDOR_JOIN = "\x1e"
MAX_NUMBER = 2**31 - 1  # PositiveIntegerField


class NoRelease(Exception):
    """No release has been published yet (or not the one asked for)."""


class TooSoon(Exception):
    """The last release is more recent than PORTAL_STATISTICS_MIN_INTERVAL_DAYS."""

    def __init__(self, allowed_at):
        self.allowed_at = allowed_at
        super().__init__(allowed_at.isoformat())


# --- The mechanism -----------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """One published count: ``table``'s categories, from a record's ``field``."""

    table: str
    code: str | None  # an exploitation category; None for the other tables
    field: int  # position in the encoded record
    categories: tuple


def _country_domain():
    # A fixed, public, short list (README "Public statistics"): the categories
    # must not depend on who is in the data, or a new category would reveal a
    # record; and every listed category with no record still gets noise, so a
    # long list (every country) would fill the tables with noise.
    return tuple(dict.fromkeys((*settings.PORTAL_STATISTICS_COUNTRIES, OTHER, "")))


def _year_domain():
    last = vocab.last_registration_year()
    first = max(vocab.FIRST_REGISTRATION_YEAR, last - settings.PORTAL_STATISTICS_YEARS + 1)
    return (EARLIER_YEARS, *(str(year) for year in range(first, last + 1)))


def _domains():
    return {
        "year": _year_domain(),
        "country": _country_domain(),
        "citizenship": _country_domain(),
        "gender": tuple(choice.value for choice in vocab.Gender),
        "age": (*(choice.value for choice in vocab.AgeBand), ""),
    }


def _encode(row):
    """A record as one string (OpenDP's dataset is a vector of strings):
    the five single-valued columns, then the exploitation flags as 0/1."""
    countries, years = set(_country_domain()), set(_year_domain())
    values = []
    for key, column in SINGLE_VALUED:
        value = str(row.get(column, "") or "")
        if key in ("country", "citizenship") and value not in countries:
            value = OTHER
        elif key == "year" and value not in years:
            value = EARLIER_YEARS
        values.append(value)
    values.extend(
        "1" if int(row.get(code) or 0) else "0" for code, _label in EXPLOITATION_CATEGORIES
    )
    values.append(TOTAL)
    year, country, citizenship = values[0], values[1], values[2]
    values.append(corridor_category(year, citizenship, country))
    return _SEPARATOR.join(values)


def corridor_category(year, citizenship, country):
    return _CORRIDOR_JOIN.join((year, citizenship, country))


def _corridor_years():
    """The recent years the corridors are counted for (fewer than the year
    table's: every year multiplies the corridors that get noise)."""
    years = [year for year in _year_domain() if year != EARLIER_YEARS]
    return tuple(years[-settings.PORTAL_STATISTICS_CORRIDOR_YEARS :])


def _corridor_domain():
    """Every (year, citizenship, country) cell, years first: fixed and public
    like the single tables' domains, whatever the records hold. A record of an
    earlier year falls in no cell (it still counts in the other tables)."""
    countries = _country_domain()
    return tuple(
        corridor_category(year, citizenship, country)
        for year in _corridor_years()
        for citizenship in countries
        for country in countries
    )


def queries():
    domains = _domains()
    found = [Query(TOTAL, None, len(SINGLE_VALUED) + len(EXPLOITATION_CATEGORIES), (TOTAL,))]
    found += [
        Query(key, None, index, domains[key]) for index, (key, _column) in enumerate(SINGLE_VALUED)
    ]
    found += [
        Query("exploitation", code, len(SINGLE_VALUED) + index, ("1",))
        for index, (code, _label) in enumerate(EXPLOITATION_CATEGORIES)
    ]
    corridor_field = len(SINGLE_VALUED) + len(EXPLOITATION_CATEGORIES) + 1
    found.append(Query(CORRIDOR, None, corridor_field, _corridor_domain()))
    return tuple(found)


def corridor_share():
    return settings.PORTAL_STATISTICS_CORRIDOR_SHARE


def noise_scales(epsilon, all_queries=None):
    """Discrete Laplace scale of each query's figures, in the order of
    ``all_queries``. A record changes every query by at most one. The corridor
    query gets its own share of epsilon and the others split the rest: with
    one scale for all, the corridors' many empty cells (every pair of listed
    countries, every year) would show hundreds of made-up corridors above k.
    Sum over queries of 1 / scale = epsilon: the release costs epsilon."""
    all_queries = queries() if all_queries is None else all_queries
    others = sum(1 for query in all_queries if query.table != CORRIDOR)
    has_corridor = others < len(all_queries)
    share = corridor_share() if has_corridor else 0.0
    # A hair wider than the exact scale: OpenDP's privacy map rounds up
    # (conservatively), and the release must never cost more than epsilon.
    widen = 1 + 1e-9
    other_scale = others / (epsilon * (1 - share)) * widen
    corridor_scale = 1 / (epsilon * share) * widen if has_corridor else None
    return tuple(
        corridor_scale if query.table == CORRIDOR else other_scale for query in all_queries
    )


def noise_scale(epsilon):
    """The scale of the single tables' figures (the corridors': ``corridor_noise_scale``)."""
    return next(
        scale
        for query, scale in zip(queries(), noise_scales(epsilon), strict=True)
        if query.table != CORRIDOR
    )


def corridor_noise_scale(epsilon):
    return noise_scales(epsilon)[-1]


# How many made-up corridors (no case at all, shown because of noise) a
# release may show on average: the corridors' threshold is set from it.
EXPECTED_FALSE_CORRIDORS = 0.5


def corridor_threshold(epsilon, k):
    """The smallest noisy figure a corridor is shown with: at least k, and high
    enough that the empty cells of the domain, all noised, show on average at
    most EXPECTED_FALSE_CORRIDORS made-up corridors. For the discrete Laplace
    distribution of scale b, P(noise >= t) = exp(-t/b) / (1 + exp(-1/b))."""
    scale = corridor_noise_scale(epsilon)
    cells = len(_corridor_domain())
    threshold = max(int(k), 1)
    decay = math.exp(-1 / scale)
    while cells * math.exp(-threshold / scale) / (1 + decay) > EXPECTED_FALSE_CORRIDORS:
        threshold += 1
    return threshold


def _opendp():
    import opendp.prelude as dp

    # contrib: the counting and noise constructors; honest-but-curious: the
    # row-by-row field selection below, whose stability map (d_in -> d_in) we
    # state ourselves: one record in, one value out.
    dp.enable_features("contrib", "honest-but-curious")
    return dp


def build_mechanism(epsilon):
    """The composed OpenDP measurement of a whole release: input the encoded
    records, output one noisy count vector per query. Its privacy map gives the
    epsilon one added or removed record can cost (``mechanism.map(1)``)."""
    if not (isinstance(epsilon, int | float) and math.isfinite(epsilon) and epsilon > 0):
        raise ValueError("epsilon must be a positive number")
    return _build(float(epsilon), queries())


@lru_cache(maxsize=8)
def _build(epsilon, all_queries):
    dp = _opendp()
    return dp.c.make_composition(list(_measurements(epsilon, all_queries)))


@lru_cache(maxsize=8)
def _measurements(epsilon, all_queries):
    dp = _opendp()
    return tuple(
        counting >> dp.m.then_laplace(scale)
        for counting, scale in zip(
            _countings(all_queries), noise_scales(epsilon, all_queries), strict=True
        )
    )


def query_measurements(epsilon):
    """The release's measurements one by one (the composition's parts, in the
    order of ``queries()``): to sample one figure's distribution on its own."""
    build_mechanism(epsilon)  # validates epsilon
    return _measurements(float(epsilon), queries())


@lru_cache(maxsize=8)
def _countings(all_queries):
    """Per query, the OpenDP transformation from the encoded records to the
    exact count vector. Its stability map is its sensitivity: one record added
    or removed changes the vector by at most 1 (L1)."""
    dp = _opendp()
    domain = dp.vector_domain(dp.atom_domain(T=str))
    metric = dp.symmetric_distance()
    return tuple(
        dp.t.make_user_transformation(
            domain, metric, domain, metric, _field_selector(query.field), lambda d_in: d_in
        )
        >> dp.t.then_count_by_categories(categories=list(query.categories), null_category=False)
        for query in all_queries
    )


def counting_transformations():
    return _countings(queries())


def _field_selector(index):
    def select(records):
        return [record.split(_SEPARATOR)[index] for record in records]

    return select


def encode_rows(rows):
    return [_encode(row) for row in rows]


def draw_figures(encoded, *, epsilon, k, mechanism=None):
    """Draw the noise (once) and apply the threshold: the total and the tables
    as published. ``encoded`` comes from ``encode_rows``."""
    mechanism = mechanism or build_mechanism(epsilon)
    noisy = mechanism(list(encoded))
    return figures_from_noisy(noisy, k, corridor_threshold=corridor_threshold(epsilon, k))


def figures_from_noisy(noisy, k, *, corridor_threshold=None):
    """Published figures from the noisy counts: below k is "fewer than k"
    (None); so no figure is ever negative or under k. Corridors are shown from
    ``corridor_threshold`` (at least k) up."""

    def shown(value):
        return int(value) if value >= k else None

    floor = max(k, corridor_threshold or k)

    def shown_corridor(value):
        return int(value) if value >= floor else None

    total = None
    by_table = defaultdict(dict)
    corridors = []
    for query, values in zip(queries(), noisy, strict=True):
        if query.table == TOTAL:
            total = shown(values[0])
        elif query.table == CORRIDOR:
            corridors = _shown_corridors(query.categories, values, shown_corridor)
        elif query.code is not None:
            by_table[query.table][query.code] = shown(values[0])
        else:
            for code, value in zip(query.categories, values, strict=True):
                by_table[query.table][code] = shown(value)
    tables = []
    for key in ("year", "exploitation", "country", "citizenship", "gender", "age"):
        counts = by_table[key]
        order = list(counts)  # the domain's order: years in order, bands in order…
        if key in ("country", "citizenship"):
            order = sorted_codes(key, {code: count or 0 for code, count in counts.items()})
        tables.append(
            {"key": key, "cells": [{"code": code, "count": counts[code]} for code in order]}
        )
    tables.append({"key": CORRIDOR, "cells": corridors})
    return total, tables


def _shown_corridors(categories, values, shown):
    """Only the corridors shown (see the module's docstring), each year's
    largest first."""
    cells = []
    for category, value in zip(categories, values, strict=True):
        count = shown(value)
        if count is None:
            continue
        year, citizenship, country = category.split(_CORRIDOR_JOIN)
        cells.append({"year": year, "citizenship": citizenship, "country": country, "count": count})
    years = {year: index for index, year in enumerate(_corridor_years())}
    cells.sort(key=lambda c: (years[c["year"]], -c["count"], c["citizenship"], c["country"]))
    return cells


# --- Partner rows -------------------------------------------------------------------


def partner_rows(rows, workspace_of_report, k):
    """k-anonymous rows, anonymised per workspace, in one global order (so the
    order says nothing about where a row came from). Each item:
    (row, workspace id, report id)."""
    by_workspace = defaultdict(list)
    for row in rows:
        by_workspace[workspace_of_report[row["reportId"]]].append({**row, ORIGIN: row["reportId"]})
    released = []
    for workspace_id, workspace_rows in by_workspace.items():
        for row in anonymise(workspace_rows, k, carry=(ORIGIN,)).rows:
            report_id = row.pop(ORIGIN)
            released.append((row, workspace_id, report_id))
    released.sort(key=lambda item: tuple(str(item[0][c]) for c in ANONYMISED_COLUMNS))
    return released


# --- Publishing and reading ----------------------------------------------------------


def default_epsilon():
    return settings.PORTAL_STATISTICS_EPSILON


def opendp_version():
    from importlib.metadata import version

    return version("opendp")


def next_release_allowed_at():
    """When the next release may be published (None: now). Every release spends
    epsilon again on mostly the same people, and budgets add up; a minimum
    interval keeps a double click or a timer firing hourly from spending it."""
    last = latest_release()
    if last is None:
        return None
    allowed = last.published_at + timedelta(days=settings.PORTAL_STATISTICS_MIN_INTERVAL_DAYS)
    return allowed if allowed > timezone.now() else None


def publish_release(*, actor=None, epsilon=None, progress=None, force=False):
    """Take a snapshot of the published records and store a new release.
    TooSoon inside the minimum interval, unless ``force`` (the office's call)."""
    epsilon = default_epsilon() if epsilon is None else epsilon
    mechanism = build_mechanism(epsilon)
    k = default_k()
    say = progress or (lambda message: None)
    with transaction.atomic():
        if not force and (allowed_at := next_release_allowed_at()) is not None:
            raise TooSoon(allowed_at)
        # One query, so the snapshot is consistent even while people keep working.
        rows, workspace_of_report = [], {}
        records = CaseRecord.objects.published().select_related("report")
        for record in records.order_by("report_id", "pk").iterator(chunk_size=1000):
            rows.append(record_row(record))
            workspace_of_report[record.report_id] = record.report.workspace_id
        say(f"Snapshot: {len(rows)} case records of reviewed reports shared with the network.")
        released = partner_rows(rows, workspace_of_report, k)
        say(f"Partner rows: {len(released)} k-anonymous rows (k = {k}), made per workspace.")
        total, tables = draw_figures(encode_rows(rows), epsilon=epsilon, k=k, mechanism=mechanism)
        say(f"Public figures: noise drawn once (epsilon = {epsilon}).")
        last = StatisticsRelease.objects.select_for_update().order_by("-number").first()
        release = StatisticsRelease.objects.create(
            number=(last.number + 1) if last else 1,
            published_at=timezone.now(),
            published_by=actor if getattr(actor, "is_authenticated", False) else None,
            method=METHOD,
            parameters={
                "k": k,
                "epsilon": epsilon,
                "noise": "discrete Laplace",
                "noise_scale": noise_scale(epsilon),
                "queries": len(queries()),
                "corridor_share": corridor_share(),
                "corridor_noise_scale": corridor_noise_scale(epsilon),
                "corridor_threshold": corridor_threshold(epsilon, k),
                "corridor_years": list(_corridor_years()),
                "quasi_identifiers": list(QUASI_IDENTIFIERS),
                "opendp": opendp_version(),
            },
            total=total,
            tables=tables,
        )
        ReleaseRow.objects.bulk_create(
            (
                ReleaseRow(
                    release=release,
                    position=position,
                    workspace_id=workspace_id,
                    report_id=report_id,
                    data=row,
                )
                for position, (row, workspace_id, report_id) in enumerate(released)
            ),
            batch_size=1000,
        )
        audit.record(
            actor,
            audit_actions.STATISTICS_RELEASED,
            target=release,
            number=release.number,
            epsilon=epsilon,
            k=k,
            rows=len(released),
        )
    say(f"Published release {release.number}.")
    return release


def latest_release():
    return StatisticsRelease.objects.order_by("-number").first()


def get_release(number=None):
    """Release ``number``, or the latest; NoRelease when there is none."""
    if number is None:
        release = latest_release()
    elif not 0 < number <= MAX_NUMBER:
        # Beyond the column's range the database would fail (a 500), not answer.
        release = None
    else:
        release = StatisticsRelease.objects.filter(number=number).first()
    if release is None:
        raise NoRelease(number)
    return release


def released_rows(release, *, workspace=None, report=None):
    """The partner rows of a release, in their published order; only those that
    came from ``workspace`` (or ``report``) when given."""
    rows = release.rows.all()
    if workspace is not None:
        rows = rows.filter(workspace=workspace)
    if report is not None:
        rows = rows.filter(report=report)
    return list(rows.order_by("position").values_list("data", flat=True))
