from django.db import connection
from django.http import JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache

from portal.home.views import serve_home


def root(request):
    """Serve the home page at "/" in the language the visitor asked for.

    The page itself carries a canonical link to its /<lang>/ address, so search
    engines index one copy per language. Anonymous visitors get it from the
    public page cache, one entry per language.
    """
    language = translation.get_language_from_request(request, check_path=False)
    translation.activate(language)
    request.LANGUAGE_CODE = translation.get_language()
    response = serve_home(request, "")
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


@never_cache
def health(request):
    """Liveness for load balancers: the process answers and the database does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
