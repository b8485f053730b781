"""What the search page shows around the results: facet links with counts,
sort links (page links: portal.core.pagination). Plain links (GET), so everything works without
JavaScript."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.core.countries import country_name

from .registry import registry
from .results import SORT_DATE, SORT_RELEVANCE

FACET_TITLES = {
    "kind": _("Type"),
    "language": _("Language"),
    "country": _("Country"),
    "year": _("Year"),
}
SORT_LABELS = {SORT_RELEVANCE: _("Relevance"), SORT_DATE: _("Newest first")}


def kind_label(kind):
    source = registry.get(kind, None)
    return (source.label or kind) if source else kind


def value_label(facet, value):
    if facet == "kind":
        return kind_label(value)
    if facet == "language":
        return dict(settings.LANGUAGES).get(value, value)
    if facet == "country":
        return country_name(value)
    return str(value)


def _url(query, **changes):
    query = query.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        elif isinstance(value, list):
            query.setlist(key, value)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def facet_groups(results, query):
    """[{name, title, values: [{label, count, selected, url}]}] for facets with values."""
    groups = []
    query = query.copy()
    query.pop("page", None)
    for name, values in results.facets.items():
        if not values:
            continue
        selected = [str(v) for v in query.getlist(name)]
        items = []
        for value in values:
            key = str(value.value)
            toggled = [v for v in selected if v != key] if value.selected else [*selected, key]
            items.append(
                {
                    "label": value_label(name, value.value),
                    "count": value.count,
                    "selected": value.selected,
                    "url": _url(query, **{name: toggled}),
                }
            )
        groups.append({"name": name, "title": FACET_TITLES[name], "values": items})
    return groups


def sort_links(results, query):
    query = query.copy()
    query.pop("page", None)
    return [
        {
            "label": label,
            "current": results.params.sort == key,
            "url": _url(query, sort=None if key == SORT_RELEVANCE else key),
        }
        for key, label in SORT_LABELS.items()
    ]


def clear_filters_url(query):
    keep = {k: query.getlist(k) for k in ("q", "sort") if query.get(k)}
    query = query.copy()
    query.clear()
    for key, values in keep.items():
        query.setlist(key, values)
    return _url(query)
