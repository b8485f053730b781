"""Views of the public site outside Wagtail's page tree: the cached page
server, the home page at "/", sitemap.xml, robots.txt and the favicon."""

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from wagtail import views as wagtail_views
from wagtail.models import Page, Site

from . import cache, language_cookie
from .queries import public_pages


@cache.cached
def _serve(request, path):
    return wagtail_views.serve(request, path)


def serve(request, path):
    """Wagtail's page server behind the public page cache."""
    return language_cookie.remember_path_language(request, _serve(request, path))


@require_safe
@never_cache
def switch_language(request, code):
    """The language switcher's link on pages without a language prefix
    (accounts, workspaces, statistics, search): remember the language and go
    back to the page. A plain link rather than Django's POST form, so the
    switcher is the same links on every page and needs no CSRF token; all it
    can change is the language of the interface."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    language_cookie.remember(response, code)
    return response


def root(request):
    """Serve the home page at "/" in the language the visitor asked for.

    The page itself carries a canonical link to its /<lang>/ address, so search
    engines index one copy per language. Anonymous visitors get it from the
    public page cache, one entry per language.
    """
    language = translation.get_language_from_request(request, check_path=False)
    translation.activate(language)
    request.LANGUAGE_CODE = translation.get_language()
    response = _serve(request, "")
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


@require_safe
@cache.cached
def sitemap(request):
    """Every live public page of this site in every language, with its
    alternates (hreflang) so search engines link the translations."""
    site = Site.find_for_request(request)
    entries = []
    if site is not None:
        homes = list(
            Page.objects.filter(translation_key=site.root_page.translation_key).values_list(
                "path", flat=True
            )
        )
        in_site = Q()
        for path in homes:
            in_site |= Q(path__startswith=path)
        pages = public_pages(Page.objects.filter(in_site)).select_related("locale").order_by("path")
        groups = {}
        for page in pages:
            url = page.get_url(request)
            if not url:
                continue
            entry = {
                "location": request.build_absolute_uri(url),
                "lastmod": page.last_published_at,
                "language": page.locale.language_code,
                "key": page.translation_key,
            }
            groups.setdefault(page.translation_key, []).append(entry)
            entries.append(entry)
        for entry in entries:
            siblings = groups[entry["key"]]
            entry["alternates"] = siblings if len(siblings) > 1 else []
    return render(request, "home/sitemap.xml", {"entries": entries}, content_type="application/xml")


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /workspaces/",
        "Disallow: /search/",
        "Disallow: /i18n/",
        "",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    return redirect(static("img/favicon.ico"), permanent=True)
