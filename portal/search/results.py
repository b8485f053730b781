"""What a search asks and answers, shared by both backends."""

from dataclasses import dataclass, field

SORT_RELEVANCE = "relevance"
SORT_DATE = "date"
SORTS = (SORT_RELEVANCE, SORT_DATE)

FACETS = ("kind", "language", "country", "year")
FACET_SIZE = 50
SUGGEST_LIMIT = 8


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    kinds: tuple = ()
    languages: tuple = ()
    countries: tuple = ()
    years: tuple = ()
    sort: str = SORT_RELEVANCE
    page: int = 1
    per_page: int = 20
    language: str = ""  # the asker's interface language: ranked slightly higher

    def selected(self):
        return {
            "kind": self.kinds,
            "language": self.languages,
            "country": self.countries,
            "year": self.years,
        }

    @property
    def offset(self):
        return (self.page - 1) * self.per_page

    @property
    def has_filters(self):
        return any(self.selected().values())


@dataclass
class Hit:
    doc_id: str
    kind: str
    object_id: str
    title: str
    title_html: str  # escaped, with <mark> around matches: safe to render
    snippet_html: str  # same
    url: str
    date: object = None
    language: str = ""
    countries: tuple = ()
    extra: dict = field(default_factory=dict)
    kind_label: str = ""  # filled in by the view, in the visitor's language
    language_label: str = ""


@dataclass
class FacetValue:
    value: object
    count: int
    selected: bool = False


@dataclass
class SearchResults:
    params: SearchParams
    hits: list
    total: int
    facets: dict  # facet -> [FacetValue]
    backend: str  # "elasticsearch" or "database"
    # False when there are more than ``total`` results (counting stopped at
    # SEARCH_MAX_RESULTS, the last page anyone can open).
    total_is_exact: bool = True

    @property
    def reduced(self):
        return self.backend != "elasticsearch"

    @property
    def pages(self):
        return max(1, -(-self.total // self.params.per_page))


def facet_values(params, counts):
    """{facet: [FacetValue]} from {facet: {value: count}}; selected values are
    listed even at zero so they can be switched off."""
    result = {}
    selected = params.selected()
    for facet in FACETS:
        values = dict(counts.get(facet, {}))
        for value in selected[facet]:
            values.setdefault(value, 0)
        ordered = sorted(values.items(), key=lambda item: _facet_order(facet, item))
        result[facet] = [FacetValue(v, n, v in selected[facet]) for v, n in ordered]
    return result


def _facet_order(facet, item):
    value, count = item
    if facet == "year":
        return (-int(value), 0)
    return (-count, str(value))
