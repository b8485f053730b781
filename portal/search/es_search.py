"""Searching the Elasticsearch index (through elasticsearch-dsl)."""

from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.safestring import mark_safe
from elasticsearch.dsl import A, Q, Search

from . import index, spelling
from .results import FACET_SIZE, FACETS, SORT_DATE, Hit, SearchResults, facet_values

FIELDS = {"kind": "kind", "language": "language", "country": "countries", "year": "year"}
SNIPPET_CHARS = 180
SOURCE_FIELDS = ["kind", "object_id", "title", "url", "date", "language", "countries", "extra"]


def _subfields(name):
    return [name] + [f"{name}.{lang}" for lang in index.language_analyzers()]


def audience_filter(tokens):
    return Q("terms", audiences=sorted(tokens))


def _facet_filters(params, *, leave_out=None):
    return [
        Q("terms", **{FIELDS[facet]: list(values)})
        for facet, values in params.selected().items()
        if values and facet != leave_out
    ]


def text_query(q, language=""):
    """Every word must be in the document (title or body), allowing typos;
    ranked by title matches over body, whole phrases higher still."""
    matches = [
        Q(
            "match",
            **{
                field: {
                    "query": q,
                    "fuzziness": "AUTO",
                    "prefix_length": 1,
                    "max_expansions": 50,
                    # Up to three words: all of them; longer queries: three in four.
                    "minimum_should_match": "3<75%",
                }
            },
        )
        for field in _subfields("all_text")
    ]
    boost = index.TITLE_BOOST
    title_fields = [f"{f}^{boost}" for f in _subfields("title")]
    body_fields = _subfields("body")
    should = [
        Q(
            "multi_match",
            query=q,
            fields=title_fields + body_fields,
            type="best_fields",
            tie_breaker=0.3,
            fuzziness="AUTO",
            prefix_length=1,
        ),
        Q(
            "multi_match",
            query=q,
            fields=title_fields + body_fields,
            type="phrase",
            slop=2,
            boost=3,
        ),
    ]
    if language:
        should.append(Q("constant_score", filter=Q("term", language=language), boost=0.5))
    return Q("bool", must=[Q("bool", should=matches, minimum_should_match=1)], should=should)


def build(params, tokens, *, alias=None, using=None):
    """The Search for ``params`` as someone holding ``tokens``."""
    s = Search(using=using, index=alias or index.alias_name())
    q = params.q.strip()
    if q:
        variants = [text_query(v, params.language) for v in spelling.query_variants(q)]
        main = variants[0] if len(variants) == 1 else Q("bool", should=variants)
    else:
        main = Q("match_all")
    s = s.query(Q("bool", must=[main], filter=[audience_filter(tokens)]))
    # Facet filters apply to the hits after the aggregations, and each facet
    # counts with every filter but its own: a visitor sees how many results
    # the other values of a facet would give.
    selected = _facet_filters(params)
    if selected:
        s = s.post_filter(Q("bool", filter=selected))
    for facet in FACETS:
        others = _facet_filters(params, leave_out=facet)
        bucket = A("filter", Q("bool", filter=others) if others else Q("match_all"))
        bucket.bucket("values", "terms", field=FIELDS[facet], size=FACET_SIZE)
        s.aggs.bucket(facet, bucket)
    if params.sort == SORT_DATE:
        s = s.sort({"date": {"order": "desc", "missing": "_last"}}, "_score", "_doc")
    elif not q:
        s = s.sort({"date": {"order": "desc", "missing": "_last"}}, "_doc")
    s = s.source(SOURCE_FIELDS)
    # Escape first, then mark: the html encoder escapes the text and only
    # the <mark> tags are added.
    s = s.highlight_options(type="fvh", encoder="html", pre_tags=["<mark>"], post_tags=["</mark>"])
    for name in _subfields("title"):
        s = s.highlight(name, number_of_fragments=0)
    for name in _subfields("body"):
        s = s.highlight(
            name, fragment_size=SNIPPET_CHARS, number_of_fragments=2, no_match_size=SNIPPET_CHARS
        )
    s = s.extra(track_total_hits=True)
    return s[params.offset : params.offset + params.per_page]


def _highlighted(hit, name):
    highlight = getattr(hit.meta, "highlight", None)
    if highlight is None:
        return None
    highlight = highlight.to_dict()
    for field in _subfields(name):
        if highlight.get(field):
            return list(highlight[field])
    return None


def _hit(hit):
    source = hit.to_dict()
    title_fragments = _highlighted(hit, "title")
    body_fragments = _highlighted(hit, "body")
    date = source.get("date")
    return Hit(
        doc_id=hit.meta.id,
        kind=source.get("kind", ""),
        object_id=source.get("object_id", ""),
        title=source.get("title", ""),
        # Both come from the html encoder (escaped) or from escape() here.
        title_html=mark_safe(title_fragments[0] if title_fragments else escape(source["title"])),  # noqa: S308
        snippet_html=mark_safe(" … ".join(body_fragments or [])),  # noqa: S308
        url=source.get("url", ""),
        date=parse_datetime(date) if date else None,
        language=source.get("language", ""),
        countries=tuple(source.get("countries") or ()),
        extra=source.get("extra") or {},
    )


def search(client, params, tokens):
    response = build(params, tokens, using=client).execute()
    counts = {
        facet: {
            bucket.key: bucket.doc_count
            for bucket in getattr(response.aggregations, facet).values.buckets
        }
        for facet in FACETS
    }
    return SearchResults(
        params=params,
        hits=[_hit(h) for h in response.hits],
        total=response.hits.total.value,
        facets=facet_values(params, counts),
        backend="elasticsearch",
    )


def suggest(client, q, tokens, limit):
    fields = _subfields("title")
    query = Q(
        "bool",
        must=[Q("multi_match", query=q, type="bool_prefix", fields=fields, operator="and")],
        should=[Q("match_phrase_prefix", title={"query": q, "boost": 2})],
        filter=[audience_filter(tokens)],
    )
    s = Search(using=client, index=index.alias_name()).query(query).source(["title", "url", "kind"])
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
