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

from . import snippets, spelling
from .functions import UnicodeLower
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
    exact form ("simple") or its stem in a document language.

    Plain, not websearch: every word must match, as on Elasticsearch, and
    nothing a visitor types is syntax ("or", "-word" and quotes are words and
    punctuation there too)."""
    return reduce(
        or_,
        (
            SearchQuery(variant, config=config, search_type="plain")
            for variant in spelling.query_variants(q)
            for config in _configs()
        ),
    )


def _matching(queryset, q, strategy):
    if strategy == POSTGRESQL:
        query = ts_query(q)
        return queryset.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query)
        )
    terms = snippets.words(q)
    if not terms:
        # Only punctuation, symbols or emoji: nothing to match. The rank is
        # still there, because the caller orders by it.
        return queryset.none().annotate(rank=Value(0, output_field=IntegerField()))
    queryset = queryset.alias(folded_title=UnicodeLower("title"), folded_body=UnicodeLower("body"))
    for term in terms:
        queryset = queryset.filter(Q(folded_title__contains=term) | Q(folded_body__contains=term))
    title_hit = reduce(lambda a, b: a & b, (Q(folded_title__contains=t) for t in terms))
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
    by_rank = bool(q) and params.sort != SORT_DATE
    base = visible(tokens)
    if q:
        base = _matching(base, q, strategy)
    if strategy == POSTGRESQL:
        total, counts, page_ids = _aggregate_postgresql(base, params, by_rank=by_rank)
    else:
        matched = _filter(base, params)
        total = matched.count()
        counts = _facet_counts(base, params)
        order = ["-rank"] if by_rank else []
        order += [F("date").desc(nulls_last=True), "-pk"]
        page_ids = list(
            matched.order_by(*order).values_list("pk", flat=True)[
                params.offset : params.offset + params.per_page
            ]
        )
    rows = {
        row["pk"]: row
        for row in SearchRecord.objects.filter(pk__in=page_ids).values(
            "pk", "doc_id", "kind", "object_id", "title", "body", "url", "date", "language", "extra"
        )
    }
    page = [rows[pk] for pk in page_ids if pk in rows]
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
        facets=facet_values(params, counts),
        backend="database",
    )


def _aggregate_postgresql(base, params, *, by_rank):
    """Total, facet counts and the page's ids in one statement: the matching
    records are found once (a materialised CTE) instead of once per count.
    Each facet counts with every selected filter but its own."""
    selected = params.selected()
    columns = ["id", "kind", "language", "year", "date"] + (["rank"] if by_rank else [])
    if selected["country"]:
        base = base.annotate(
            country_ok=Exists(
                SearchRecordCountry.objects.filter(
                    record=OuterRef("pk"), code__in=list(selected["country"])
                )
            )
        )
        columns.append("country_ok")
    base_sql, sql_params = base.values(*columns).query.sql_with_params()
    conditions = {}
    for facet, column in (("kind", "kind"), ("language", "language"), ("year", "year")):
        if selected[facet]:
            conditions[facet] = (f"m.{column} = ANY(%s)", [list(selected[facet])])
    if selected["country"]:
        conditions["country"] = ("m.country_ok", [])

    def where(leave_out=None, extra=()):
        parts = [sql for facet, (sql, _) in conditions.items() if facet != leave_out]
        values = [v for facet, (_, vs) in conditions.items() if facet != leave_out for v in vs]
        parts += list(extra)
        return (f"WHERE {' AND '.join(parts)}" if parts else ""), values

    # Only identifiers from this code and placeholders go into the SQL text;
    # every value is a parameter.
    countries = connection.ops.quote_name(SearchRecordCountry._meta.db_table)
    order = "m.rank DESC, " if by_rank else ""
    order += "m.date DESC NULLS LAST, m.id DESC"
    parts, values = [], list(sql_params)
    for sql, facet, extra in (
        ("SELECT 'total', NULL::text, COUNT(*), NULL::bigint FROM m {w}", None, ()),
        ("SELECT 'kind', m.kind, COUNT(*), NULL::bigint FROM m {w} GROUP BY m.kind", "kind", ()),
        (
            "SELECT 'language', m.language, COUNT(*), NULL::bigint FROM m {w} GROUP BY m.language",
            "language",
            ("m.language <> ''",),
        ),
        (
            "SELECT 'year', m.year::text, COUNT(*), NULL::bigint FROM m {w} GROUP BY m.year",
            "year",
            ("m.year IS NOT NULL",),
        ),
        (
            f"SELECT 'country', c.code, COUNT(*), NULL::bigint FROM m "  # noqa: S608
            f"JOIN {countries} c ON c.record_id = m.id {{w}} GROUP BY c.code",
            "country",
            (),
        ),
    ):
        clause, clause_values = where(leave_out=facet or "", extra=extra)
        parts.append(sql.format(w=clause))
        values += clause_values
    clause, clause_values = where(leave_out="")
    parts.append(
        "SELECT 'hit', h.id::text, NULL::bigint, h.position FROM ("  # noqa: S608
        f"SELECT m.id, row_number() OVER (ORDER BY {order}) AS position "
        f"FROM m {clause} ORDER BY {order} LIMIT %s OFFSET %s) h"
    )
    values += [*clause_values, params.per_page, params.offset]
    statement = f"WITH m AS MATERIALIZED ({base_sql}) " + " UNION ALL ".join(parts)
    total, counts, hits = 0, {facet: {} for facet in FACETS}, []
    with connection.cursor() as cursor:
        cursor.execute(statement, values)
        for label, value, count, position in cursor.fetchall():
            if label == "total":
                total = count
            elif label == "hit":
                hits.append((position, int(value)))
            else:
                counts[label][int(value) if label == "year" else value] = count
    return total, counts, [pk for _, pk in sorted(hits)]


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
        records = records.alias(folded_title=UnicodeLower("title"))
        for term in terms:
            records = records.filter(folded_title__contains=term)
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
