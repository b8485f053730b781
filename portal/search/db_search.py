"""The database fallback: the same search over the mirror (SearchRecord).

Both strategies match the stems portal.search.analysis made, as Elasticsearch
does, so a word form, е for ё or a capital letter finds the same documents.

PostgreSQL: full-text search on the stored vector of the stems (GIN index),
ranked with ts_rank; when exact matching finds too little, each query word
also matches the stems within its typo allowance, found in the vocabulary
(SearchTerm) with pg_trgm. SQLite (the demo): every stem must be a whole word
of the title or body stems; no typo tolerance there. Both apply the audience
rule in SQL, before counting, faceting or paging.
"""

import contextlib
from functools import reduce

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Value, When

from . import analysis, snippets
from .functions import TitleStemsVector, UnicodeLower
from .models import SearchRecord, SearchRecordAudience, SearchRecordCountry, SearchTerm
from .results import FACETS, SORT_DATE, Hit, SearchResults, facet_values

POSTGRESQL = "postgresql"
PORTABLE = "portable"
# Stems a mistyped word may stand for, at most.
MAX_EXPANSIONS = 20
# pg_trgm similarity a candidate needs before its edit distance is checked:
# low, because a typo in a short word leaves few trigrams in common.
TRIGRAM_SIMILARITY = 0.2


def default_strategy():
    return POSTGRESQL if connection.vendor == "postgresql" else PORTABLE


def visible(tokens):
    """Records someone holding ``tokens`` may see."""
    granted = SearchRecordAudience.objects.filter(record=OuterRef("pk"), token__in=sorted(tokens))
    return SearchRecord.objects.live().filter(Exists(granted))


def _lexeme(stem):
    return "'" + stem.replace("\\", "\\\\").replace("'", "''") + "'"


def ts_query(terms, expansions=None):
    """Every term, or one of the stems it may stand for; nothing a visitor
    types is syntax (the stems are words, quoted as lexemes)."""
    expansions = expansions or {}
    groups = []
    for term in terms:
        options = [term.stem, *expansions.get(term.stem, ())]
        groups.append("(" + " | ".join(_lexeme(o) for o in options) + ")")
    return SearchQuery(" & ".join(groups), config="simple", search_type="raw")


def typo_expansions(terms):
    """{stem: [stems of the words within the typed word's typo allowance]},
    from the vocabulary."""
    found = {}
    table = connection.ops.quote_name(SearchTerm._meta.db_table)
    with connection.cursor() as cursor:
        # The % operator (which the trigram index serves) keeps candidates
        # above this threshold.
        cursor.execute("SET pg_trgm.similarity_threshold = %s", [TRIGRAM_SIMILARITY])
        for term in terms:
            allowed = analysis.edits_allowed(term.word)
            if allowed == 0:
                continue
            cursor.execute(
                f"SELECT term, stem FROM {table} WHERE term %% %s "  # noqa: S608 (a name from this code)
                "ORDER BY similarity(term, %s) DESC LIMIT 200",
                [term.word, term.word],
            )
            close = []
            for word, stem in cursor.fetchall():
                if stem != term.stem and stem not in close and term.is_near(word, stem):
                    close.append(stem)
            if close:
                found[term.stem] = close[:MAX_EXPANSIONS]
    return found


def _matching(queryset, terms, strategy, expansions=None):
    if strategy == POSTGRESQL:
        query = ts_query(terms, expansions)
        return queryset.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query)
        )
    for term in terms:
        word = f" {term.stem} "
        queryset = queryset.filter(Q(title_stems__contains=word) | Q(body_stems__contains=word))
    title_hit = reduce(lambda a, b: a & b, (Q(title_stems__contains=f" {t.stem} ") for t in terms))
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
    terms = analysis.query_terms(params.q)
    fuzzy = False
    total, counts, page_ids = _run(params, tokens, terms, strategy)
    if strategy == POSTGRESQL and terms and total < settings.SEARCH_FUZZY_BELOW:
        # The vocabulary holds the words of every document, those the asker
        # may not open too: run again even when it has no neighbour (the same
        # query then, as cheap as the first), or the timing would tell
        # whether a word near the typed one is written somewhere.
        expansions = typo_expansions(terms)
        fuzzy = bool(expansions)
        total, counts, page_ids = _run(params, tokens, terms, strategy, expansions)
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
    hits = []
    for row in page:
        title_html, snippet_html = snippets.title_and_snippet(
            row["title"], row["body"], terms, fuzzy=fuzzy
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


def _run(params, tokens, terms, strategy, expansions=None):
    """(total, facet counts, the page's record ids)."""
    if params.q.strip() and not terms:
        return 0, {}, []  # only punctuation, symbols or emoji: nothing to match
    by_rank = bool(terms) and params.sort != SORT_DATE
    base = visible(tokens)
    if params.q.strip():
        base = _matching(base, terms, strategy, expansions)
    if strategy == POSTGRESQL:
        return _aggregate_postgresql(base, params, by_rank=by_rank, matching=bool(terms))
    matched = _filter(base, params)
    order = ["-rank"] if by_rank else []
    order += [F("date").desc(nulls_last=True), "-pk"]
    page_ids = list(
        matched.order_by(*order).values_list("pk", flat=True)[
            params.offset : params.offset + params.per_page
        ]
    )
    return matched.count(), _facet_counts(base, params), page_ids


def _aggregate_postgresql(base, params, *, by_rank, matching):
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
    with _text_index_preferred(matching) as cursor:
        cursor.execute(statement, values)
        for label, value, count, position in cursor.fetchall():
            if label == "total":
                total = count
            elif label == "hit":
                hits.append((position, int(value)))
            else:
                counts[label][int(value) if label == "year" else value] = count
    return total, counts, [pk for _, pk in sorted(hits)]


@contextlib.contextmanager
def _text_index_preferred(matching):
    """A cursor for the search statement; while it runs, with words to match,
    PostgreSQL may not read the whole records table. A common word matches a
    quarter of the records, and the planner then prefers a sequential scan,
    costing the text match as cheap; but it decompresses every record's
    vector to test it, where the GIN index names the matching rows without
    opening any (100,000 records: 530 ms against 225 ms, the same answer).
    The setting is local to this statement's savepoint and put back after it,
    so nothing else in the request plans without sequential scans."""
    if not matching:
        with connection.cursor() as cursor:
            yield cursor
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan')")
        (previous,) = cursor.fetchone()
        cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
        yield cursor
        cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])


def suggest(q, tokens, limit):
    """Titles holding every typed word (any form), the last one as typed so far."""
    records = suggestion_records(q, tokens)
    if records is None:
        return []
    suggestions, seen = [], set()
    for title, url, kind in records.values_list("title", "url", "kind")[: limit * 2]:
        if (title, url) in seen:
            continue
        seen.add((title, url))
        suggestions.append({"title": title, "url": url, "kind": kind})
        if len(suggestions) == limit:
            break
    return suggestions


def suggestion_records(q, tokens):
    """The records whose titles ``suggest`` offers for ``q``, best first;
    None when ``q`` has no words."""
    complete, partial = analysis.typed_words(q)
    if not complete and not partial:
        return None
    records = visible(tokens)
    if connection.vendor == "postgresql":
        # Title stems only (their own index); a half-typed word as a prefix.
        groups = [_lexeme(analysis.stem_word(w)) for w in complete]
        if partial:
            stem = analysis.stem_word(partial)
            groups.append(f"({_lexeme(partial)}:* | {_lexeme(stem)}:*)")
        query = SearchQuery(" & ".join(groups), config="simple", search_type="raw")
        records = (
            records.annotate(title_vector=TitleStemsVector("title_stems"))
            .filter(title_vector=query)
            .annotate(rank=SearchRank(F("title_vector"), query))
        )
        records = records.order_by("-rank", F("date").desc(nulls_last=True))
    else:
        for word in complete:
            records = records.filter(title_stems__contains=f" {analysis.stem_word(word)} ")
        if partial:
            records = records.alias(folded_title=UnicodeLower("title")).filter(
                Q(folded_title__contains=partial)
                | Q(title_stems__contains=f" {analysis.stem_word(partial)}")
            )
        records = records.order_by(F("date").desc(nulls_last=True))
    return records
