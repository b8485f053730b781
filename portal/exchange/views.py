"""The portal's public signing keys and the exchange formats, at well-known
addresses a partner's software can find without asking anyone."""

from django.http import Http404, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from . import formats, keys, signing


@require_safe
@cache_control(public=True, max_age=300)
def keys_json(request):
    """Canonical JSON, so what a person compares by eye is what software reads."""
    data = signing.canonical(keys.keys_document())
    response = HttpResponse(data, content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
@cache_control(public=True, max_age=3600)
def schema(request, filename):
    """The versioned exchange formats (JSON Schema), by their exact file names."""
    data = formats.published_schema(filename)
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type="application/schema+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response
