"""Searching the Elasticsearch index (through elasticsearch-dsl)."""

import dataclasses

from django.conf import settings
from django.utils.dateparse import parse_datetime
from elasticsearch.dsl import A, Q, Search
from elasticsearch.exceptions import HTTP_EXCEPTIONS, ApiError

from . import analysis, index, snippets
from .results import FACET_SIZE, FACETS, SORT_DATE, Hit, SearchResults, facet_values

FIELDS = {"kind": "kind", "language": "language", "country": "countries", "year": "year"}
SOURCE_FIELDS = ["kind", "object_id", "title", "body", "url", "date", "language", "countries"]
SOURCE_FIELDS += ["extra"]
# Up to three words: all of them; longer queries: three in four.
MINIMUM_MATCH = "3<75%"
FUZZY = {"fuzziness": "AUTO", "prefix_length": 1, "max_expansions": 50}


def audience_filter(tokens):
    return Q("terms", audiences=sorted(tokens))


def _facet_filters(params, *, leave_out=None):
    return [
        Q("terms", **{FIELDS[facet]: list(values)})
        for facet, values in params.selected().items()
        if values and facet != leave_out
    ]


def text_query(terms, *, language="", mistyped=frozenset()):
    """Every word of the query (its stem) must be in the document, title or
    body; the words whose stems are in ``mistyped`` may match within their
    typo allowance, exact matches still first. Ranked by title matches over
    body, whole phrases higher still."""
    stems = " ".join(term.stem for term in terms)
    title = f"title_stems^{index.TITLE_BOOST}"
    exact = Q(
        "combined_fields",
        query=stems,
        fields=[title, "body_stems"],
        minimum_should_match=MINIMUM_MATCH,
    )
    should = []
    if len(terms) > 1:
        should += [
            Q("match_phrase", title_stems={"query": stems, "slop": 2, "boost": 3}),
            Q("match_phrase", body_stems={"query": stems, "slop": 2, "boost": 2}),
        ]
    if mistyped:
        # Each mistyped word: its stem or the word as typed, within the typo
        # allowance (the same edits as analysis.Term.is_near); the others as
        # they are.
        near = [_near(term, fuzzy=term.stem in mistyped) for term in terms]
        must = Q("bool", should=near, minimum_should_match=MINIMUM_MATCH)
        should.append(exact)
    else:
        must = exact
    if language:
        should.append(Q("constant_score", filter=Q("term", language=language), boost=0.5))
    # Where the cluster has language analyzers (SEARCH_ANALYZERS), the words
    # as written, analysed by them, add to the ranking.
    written = " ".join(term.word for term in terms)
    for lang in index.language_analyzers():
        should.append(
            Q("multi_match", query=written, fields=[f"title.{lang}^2", f"body.{lang}"], boost=0.5)
        )
    return Q("bool", must=[must], should=should)


def _near(term, *, fuzzy):
    fuzzy_options = FUZZY if fuzzy else {}
    should = [
        Q("match", title_stems={"query": term.stem, "boost": index.TITLE_BOOST, **fuzzy_options}),
        Q("match", body_stems={"query": term.stem, **fuzzy_options}),
    ]
    if fuzzy:
        should.append(Q("match", words={"query": term.word, **FUZZY}))
    return Q("bool", should=should)


def build(params, tokens, *, alias=None, using=None, mistyped=frozenset(), facets=True):
    """The Search for ``params`` as someone holding ``tokens`` (allowing
    typos in the ``mistyped`` words, as text_query)."""
    s = Search(using=using, index=alias or index.alias_name())
    terms = analysis.query_terms(params.q)
    if terms:
        main = text_query(terms, language=params.language, mistyped=mistyped)
    elif params.q.strip():
        main = Q("match_none")  # only punctuation, symbols or emoji
    else:
        main = Q("match_all")
    s = s.query(Q("bool", must=[main], filter=[audience_filter(tokens)]))
    # Facet filters apply to the hits after the aggregations, and each facet
    # counts with every filter but its own: a visitor sees how many results
    # the other values of a facet would give.
    selected = _facet_filters(params)
    if selected:
        s = s.post_filter(Q("bool", filter=selected))
    if facets:
        for facet in FACETS:
            others = _facet_filters(params, leave_out=facet)
            bucket = A("filter", Q("bool", filter=others) if others else Q("match_all"))
            bucket.bucket("values", "terms", field=FIELDS[facet], size=FACET_SIZE)
            s.aggs.bucket(facet, bucket)
    if params.sort == SORT_DATE:
        s = s.sort({"date": {"order": "desc", "missing": "_last"}}, "_score", "_doc")
    elif not terms:
        s = s.sort({"date": {"order": "desc", "missing": "_last"}}, "_doc")
    s = s.source(SOURCE_FIELDS)
    # Counted exactly up to the last page anyone can open; beyond, "more than".
    s = s.extra(track_total_hits=index.RESULT_WINDOW)
    return s[params.offset : params.offset + params.per_page]


def _hit(hit, terms, fuzzy):
    source = hit["_source"]
    title_html, snippet_html = snippets.title_and_snippet(
        source.get("title", ""), source.get("body", ""), terms, fuzzy=fuzzy
    )
    date = source.get("date")
    return Hit(
        doc_id=hit["_id"],
        kind=source.get("kind", ""),
        object_id=source.get("object_id", ""),
        title=source.get("title", ""),
        title_html=title_html,
        snippet_html=snippet_html,
        url=source.get("url", ""),
        date=parse_datetime(date) if date else None,
        language=source.get("language", ""),
        countries=tuple(source.get("countries") or ()),
        extra=source.get("extra") or {},
    )


_HITS_ONLY = ("from", "size", "sort", "_source")


def _known_search(term, tokens):
    """Whether any document ``tokens`` may see holds the word as typed (size
    0, and counting stops at the first: cheap, and kept by the request
    cache). Its stem is not enough: a typo can land on another word's stem
    ("referal" stems as "refer")."""
    return {
        "size": 0,
        "track_total_hits": 1,
        "query": Q("bool", filter=[Q("term", words=term.word), audience_filter(tokens)]).to_dict(),
    }


def _answers(client, params, tokens, terms, mistyped=frozenset()):
    """(hits, counts, {stem: whether the asker may see a document holding
    it}) from one round trip.

    Exact matching: the page's hits without counting, and the total with the
    facet counts (size 0, which Elasticsearch's request cache keeps until the
    index next changes, so a repeated query costs only its hits); the node
    runs them in parallel. A query of several words also asks whether each
    word alone is found, for when all of them together are not. Allowing
    typos: one search for both, since the typo query is what costs
    (expanding words to their neighbours) and a mistyped query is seldom
    repeated, so a second copy would run it twice for a cache that rarely
    answers."""
    alias = index.alias_name()
    asked = []
    if mistyped:
        both = build(params, tokens, using=client, mistyped=mistyped)
        searches = [{"index": alias}, both.to_dict()]
    else:
        # One search built, cut in two: the hits without the aggregations,
        # and the counts without what only the hits need (so the cached
        # counts serve every page and order of the same query).
        both = build(params, tokens, using=client).to_dict()
        hits = {key: value for key, value in both.items() if key != "aggs"}
        hits["track_total_hits"] = False
        counts = {key: value for key, value in both.items() if key not in _HITS_ONLY}
        counts["size"] = 0
        searches = [{"index": alias}, hits, {"index": alias, "request_cache": True}, counts]
        if len(terms) > 1:
            asked = [term for term in terms if analysis.edits_allowed(term.word)]
            for term in asked:
                searches += [{"index": alias, "request_cache": True}, _known_search(term, tokens)]
    response = client.msearch(searches=searches)
    answers = response.body["responses"]
    for answer in answers:
        if "error" in answer:
            # As if the request alone had failed: the caller tells a refused
            # query (400) from a failing node.
            status = answer.get("status", 500)
            error_class = HTTP_EXCEPTIONS.get(status, ApiError)
            meta = dataclasses.replace(response.meta, status=status)
            raise error_class(str(answer["error"].get("reason", answer["error"])), meta, answer)
    if mistyped:
        return answers[0], answers[0], {}
    known = {
        term.stem: answer["hits"]["total"]["value"] > 0
        for term, answer in zip(asked, answers[2:], strict=True)
    }
    return answers[0], answers[1], known


def mistyped_words(terms, total, known):
    """The stems of the query words to read as mistyped, when exact matching
    found ``total`` results: none when that is enough; a single word, when
    it found too little; of a longer query, only the words no document the
    asker may see holds as typed (``known``: {stem: found}). Two real words that
    never meet then find nothing rather than neighbours of both, which cost
    more than anything else search does. Decided on what the asker may see
    alone: a word found only in documents they may not open changes neither
    the answer nor its timing."""
    if not terms or total >= settings.SEARCH_FUZZY_BELOW:
        return frozenset()
    if len(terms) == 1:
        return frozenset(term.stem for term in terms if analysis.edits_allowed(term.word))
    return frozenset(
        term.stem
        for term in terms
        if analysis.edits_allowed(term.word) and not known.get(term.stem, False)
    )


def search(client, params, tokens):
    """Exact matching first; only when it finds too little (fewer than
    SEARCH_FUZZY_BELOW results) are the query's unknown words (mistyped_words)
    allowed typos, in a second query that costs more and ranks the exact
    matches first anyway."""
    terms = analysis.query_terms(params.q)
    hits, counts, known = _answers(client, params, tokens, terms)
    total = counts["hits"]["total"]
    mistyped = mistyped_words(terms, total["value"], known)
    if mistyped:
        hits, counts, _ = _answers(client, params, tokens, terms, mistyped)
        total = counts["hits"]["total"]
    facets = {
        facet: {
            bucket["key"]: bucket["doc_count"]
            for bucket in counts["aggregations"][facet]["values"]["buckets"]
        }
        for facet in FACETS
    }
    return SearchResults(
        params=params,
        hits=[_hit(hit, terms, bool(mistyped)) for hit in hits["hits"]["hits"]],
        total=total["value"],
        total_is_exact=total["relation"] == "eq",
        facets=facet_values(params, facets),
        backend="elasticsearch",
    )


def suggest_query(q):
    """Titles holding every typed word (in any form) and, for the last word
    while it is being typed, a word that starts with it. None when ``q`` has
    no words."""
    complete, partial = analysis.typed_words(q)
    if not complete and not partial:
        return None
    must = [
        Q(
            "bool",
            should=[
                Q("term", title_stems=analysis.stem_word(word)),
                Q("term", title_words=word),
            ],
        )
        for word in complete
    ]
    if partial:
        must.append(
            Q(
                "bool",
                should=[
                    Q("prefix", title_words=partial),
                    Q("term", title_stems=analysis.stem_word(partial)),
                ],
            )
        )
    return Q("bool", must=must)


def suggest(client, q, tokens, limit):
    query = suggest_query(q)
    if query is None:
        return []
    s = (
        Search(using=client, index=index.alias_name())
        .query(Q("bool", must=[query], filter=[audience_filter(tokens)]))
        .sort("_score", {"date": {"order": "desc", "missing": "_last"}})
        .source(["title", "url", "kind"])
        .extra(track_total_hits=False)
    )
    seen, suggestions = set(), []
    for hit in s[: limit * 2].execute():
        key = (hit.title, hit.url)
        if key in seen:
            continue
        seen.add(key)
        suggestions.append({"title": hit.title, "url": hit.url, "kind": hit.kind})
        if len(suggestions) == limit:
            break
    return suggestions
