from functools import cache

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation
from django.utils.cache import patch_vary_headers


@cache
def _unprefixed_roots(urlconf):
    """First path segments served outside i18n_patterns ("/workspaces/", "/accounts/"…)."""
    roots = []
    for entry in get_resolver(urlconf).url_patterns:
        if isinstance(entry, URLResolver) and isinstance(entry.pattern, LocalePrefixPattern):
            continue
        route = str(entry.pattern).lstrip("^")
        segment = route.split("/", 1)[0]
        if segment and "<" not in segment and "(" not in segment:
            roots.append(f"/{segment}/")
    return tuple(roots)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's, except that a 404 under a path that never takes a language
    prefix (the members' area, accounts, the admin…) stays a 404.

    Django would redirect it to /<lang>/<path>, which Wagtail's catch-all
    accepts and then answers 404: a detour that turns "no such workspace" into
    a redirect, and the members' area promises a plain 404.
    """

    def process_response(self, request, response):
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        if response.status_code == 404 and request.path_info.startswith(_unprefixed_roots(urlconf)):
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)
