"""The database fallback: the same search over the mirror (SearchRecord).

PostgreSQL: full-text search on the stored vector (GIN index), ranked with
ts_rank, snippets from ts_headline. SQLite (the demo): every word must appear
in the title or body (case-insensitive), title matches first. Both apply the
audience rule in SQL, before counting, faceting or paging.
"""

from functools import reduce
from operator import or_

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Value, When

from . import snippets
from .mirror import text_config
from .models import SearchRecord, SearchRecordAudience, SearchRecordCountry
from .results import FACETS, SORT_DATE, Hit, SearchResults, facet_values

SNIPPET_CHARS = 180
POSTGRESQL = "postgresql"
PORTABLE = "portable"


def default_strategy():
    return POSTGRESQL if connection.vendor == "postgresql" else PORTABLE


def visible(tokens):
    """Records someone holding ``tokens`` may see."""
    granted = SearchRecordAudience.objects.filter(record=OuterRef("pk"), token__in=sorted(tokens))
    return SearchRecord.objects.live().filter(Exists(granted))


def _configs():
    return ["simple", *sorted(set(settings.SEARCH_DB_CONFIGS.values()) - {"simple"})]


def ts_query(q):
    """The query in every configuration the vectors hold: a word matches its
    exact form ("simple") or its stem in a document language."""
    return reduce(
        or_, (SearchQuery(q, config=config, search_type="websearch") for config in _configs())
    )


def _matching(queryset, q, strategy):
    if strategy == POSTGRESQL:
        query = ts_query(q)
        return queryset.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query)
        )
    terms = snippets.words(q)
    if not terms:
        return queryset.none()
    for term in terms:
        queryset = queryset.filter(Q(title__icontains=term) | Q(body__icontains=term))
    title_hit = reduce(lambda a, b: a & b, (Q(title__icontains=t) for t in terms))
    return queryset.annotate(
        rank=Case(When(title_hit, then=Value(1)), default=Value(0), output_field=IntegerField())
    )


def _filter(queryset, params, *, leave_out=None):
    selected = params.selected()
    if selected["kind"] and leave_out != "kind":
        queryset = queryset.filter(kind__in=selected["kind"])
    if selected["language"] and leave_out != "language":
        queryset = queryset.filter(language__in=selected["language"])
    if selected["year"] and leave_out != "year":
        queryset = queryset.filter(year__in=selected["year"])
    if selected["country"] and leave_out != "country":
        in_country = SearchRecordCountry.objects.filter(
            record=OuterRef("pk"), code__in=selected["country"]
        )
        queryset = queryset.filter(Exists(in_country))
    return queryset


def _facet_counts(base, params):
    counts = {}
    for facet in FACETS:
        scoped = _filter(base, params, leave_out=facet)
        if facet == "country":
            rows = (
                SearchRecordCountry.objects.filter(record__in=scoped.values("pk"))
                .values_list("code")
                .annotate(n=Count("pk"))
                .order_by()
            )
        else:
            rows = (
                scoped.exclude(**{f"{facet}__isnull": True})
                .exclude(**({facet: ""} if facet != "year" else {}))
                .values_list(facet)
                .annotate(n=Count("pk"))
                .order_by()
            )
        counts[facet] = dict(rows)
    return counts


def search(params, tokens, *, strategy=None):
    strategy = strategy or default_strategy()
    q = params.q.strip()
    base = visible(tokens)
    if q:
        base = _matching(base, q, strategy)
    matched = _filter(base, params)
    total = matched.count()
    if params.sort == SORT_DATE or not q:
        order = [F("date").desc(nulls_last=True), "-pk"]
    else:
        order = ["-rank", F("date").desc(nulls_last=True), "-pk"]
    page = list(
        matched.order_by(*order).values(
            "pk", "doc_id", "kind", "object_id", "title", "body", "url", "date", "language", "extra"
        )[params.offset : params.offset + params.per_page]
    )
    countries = {}
    for record_id, code in SearchRecordCountry.objects.filter(
        record_id__in=[r["pk"] for r in page]
    ).values_list("record_id", "code"):
        countries.setdefault(record_id, []).append(code)
    marked = _headlines(page, q) if q and strategy == POSTGRESQL else {}
    hits = []
    for row in page:
        title_html, snippet_html = marked.get(row["pk"]) or (
            snippets.mark(row["title"], q),
            snippets.mark(row["body"], q, window=SNIPPET_CHARS) if row["body"] else "",
        )
        hits.append(
            Hit(
                doc_id=row["doc_id"],
                kind=row["kind"],
                object_id=row["object_id"],
                title=row["title"],
                title_html=title_html,
                snippet_html=snippet_html,
                url=row["url"],
                date=row["date"],
                language=row["language"],
                countries=tuple(sorted(countries.get(row["pk"], ()))),
                extra=row["extra"] or {},
            )
        )
    return SearchResults(
        params=params,
        hits=hits,
        total=total,
        facets=facet_values(params, _facet_counts(base, params)),
        backend="database",
    )


def _headlines(page, q):
    """ts_headline marks stemmed matches too; markers become <mark> only
    after the text is escaped."""
    query = ts_query(q)
    by_config = {}
    for row in page:
        by_config.setdefault(text_config(row["language"]), []).append(row["pk"])
    marked = {}
    for config, pks in by_config.items():
        rows = (
            SearchRecord.objects.filter(pk__in=pks)
            .annotate(
                title_marked=SearchHeadline(
                    "title",
                    query,
                    config=config,
                    start_sel=snippets.START,
                    stop_sel=snippets.STOP,
                    highlight_all=True,
                ),
                body_marked=SearchHeadline(
                    "body",
                    query,
                    config=config,
                    start_sel=snippets.START,
                    stop_sel=snippets.STOP,
                    max_words=30,
                    min_words=12,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
            .values_list("pk", "title_marked", "body_marked")
        )
        for pk, title, body in rows:
            marked[pk] = (snippets.from_markers(title), snippets.from_markers(body or ""))
    return marked


def suggest(q, tokens, limit):
    terms = snippets.words(q)
    if not terms:
        return []
    records = visible(tokens)
    if connection.vendor == "postgresql":
        # Prefix match on title words only (weight A); the words are \w+, so
        # they cannot break out of the quoted lexemes.
        raw = " & ".join(f"'{term}':*A" for term in terms)
        query = SearchQuery(raw, config="simple", search_type="raw")
        records = records.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query)
        )
        records = records.order_by("-rank", F("date").desc(nulls_last=True))
    else:
        for term in terms:
            records = records.filter(title__icontains=term)
        records = records.order_by(F("date").desc(nulls_last=True))
    suggestions, seen = [], set()
    for title, url, kind in records.values_list("title", "url", "kind")[: limit * 2]:
        if (title, url) in seen:
            continue
        seen.add((title, url))
        suggestions.append({"title": title, "url": url, "kind": kind})
        if len(suggestions) == limit:
            break
    return suggestions
