"""The search page and the autocomplete endpoint. Thin: the form validates,
portal.search.query searches with the asker's audience tokens."""

from dataclasses import replace

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.core.audience import audiences_for
from portal.core.pagination import paginate_window

from . import presentation
from .forms import SearchForm, SuggestForm, clean_query_text, max_pages
from .query import SearchRejected, search, suggest
from .results import FACETS

QUERY_REJECTED = _(
    "This search could not be run. Try fewer or simpler words; if it keeps happening, "
    "tell the coordinating office what you searched for."
)


@never_cache  # results depend on who asks: never in a shared cache
@require_GET
def search_page(request):
    form = SearchForm(request.GET)
    context = {
        "form": form,
        "search_query": clean_query_text(request.GET.get("q", ""))[: form.fields["q"].max_length],
        "sort": request.GET.get("sort", ""),
        "results": None,
    }
    if not form.is_valid():
        return render(request, "search/search_page.html", context, status=400)
    params = form.params(language=(get_language() or "").split("-")[0])
    if not params.q and not params.has_filters:
        return render(request, "search/search_page.html", context)
    # Read fresh for every request: a membership removed a moment ago no
    # longer counts.
    tokens = audiences_for(request.user)
    try:
        results = search(params, tokens)
        last = min(results.pages, max_pages(params.per_page))
        if params.page > last:
            # Past the end (fewer results now, or a made-up number): the last
            # page, as on every list of the portal.
            params = replace(params, page=last)
            results = search(params, tokens)
    except SearchRejected:
        context["search_error"] = QUERY_REJECTED
        return render(request, "search/search_page.html", context, status=400)
    query = request.GET.copy()
    for hit in results.hits:
        hit.kind_label = presentation.kind_label(hit.kind)
        hit.language_label = presentation.value_label("language", hit.language)
    context.update(
        results=results,
        facet_groups=presentation.facet_groups(results, query),
        sort_links=presentation.sort_links(results, query),
        page_obj=paginate_window(
            request,
            results.hits,
            total=min(results.total, max_pages(params.per_page) * params.per_page),
            number=params.page,
            per_page=params.per_page,
        ),
        clear_filters_url=presentation.clear_filters_url(query) if params.has_filters else None,
        kept_filters=[(name, value) for name in FACETS for value in query.getlist(name)],
    )
    return render(request, "search/search_page.html", context)


@never_cache
@require_GET
def suggest_view(request):
    """Autocomplete: {"query": q, "suggestions": [{"title", "url", "kind", "label"}]}.
    Titles are plain text: insert them as text, never as HTML."""
    form = SuggestForm(request.GET)
    if not form.is_valid():
        errors = [str(e) for e in form.errors.get("q", [])] or [str(QUERY_REJECTED)]
        return JsonResponse({"query": "", "suggestions": [], "error": errors[0]}, status=400)
    q = form.cleaned_data["q"]
    try:
        suggestions = suggest(q, audiences_for(request.user))
    except SearchRejected:
        return JsonResponse(
            {"query": q, "suggestions": [], "error": str(QUERY_REJECTED)}, status=400
        )
    for item in suggestions:
        item["label"] = str(presentation.kind_label(item["kind"]))
    return JsonResponse({"query": q, "suggestions": suggestions})
