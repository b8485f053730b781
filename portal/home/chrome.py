"""What every page shows around its content: the hotlines, the main navigation
and the links between languages. Built once per site and language, kept in the
page cache under the content version (so publishing a page or editing a hotline
shows at once), and read with one cache round trip per request."""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page, Site

from . import cache, hotline_snapshot, hotlines
from .queries import default_language, public_pages

# Section pages linked from the header and footer, by page type.
SECTION_TYPES = {
    "news": "home.NewsIndexPage",
    "events": "home.EventIndexPage",
    "campaigns": "home.CampaignIndexPage",
    "resources": "resources.ResourceIndexPage",
    "get_help": "home.GetHelpPage",
    "about": "home.AboutPage",
}


def language_home_url(code):
    """The home page address of a language, whether or not it has a
    translation yet (Wagtail serves the default one under its prefix)."""
    with translation.override(code):
        return reverse("wagtail_serve", args=("",))


def get_chrome(request):
    language = translation.get_language() or default_language()

    def build():
        chrome = build_chrome(request, Site.find_for_request(request), language)
        hotline_snapshot.ensure()
        return chrome

    # Kept under the address asked for, which decides the site (Wagtail matches
    # the host and the port), so that a page finding its chrome in the cache
    # asks the database nothing: Wagtail's site lookup is a query on every
    # call (about 4 ms of each search page). Saving or deleting a Site moves
    # the content version (signals.py), as publishing a page does.
    # Kept at least an hour, even with the page cache off: every page shows it.
    return cache.versioned(
        "chrome",
        [request.get_host(), request.get_port(), language],
        build,
        seconds=max(cache.timeout(), 3600),
    )


def build_chrome(request, site, language):
    home = _home_for(site, language)
    nav, sections = [], {}
    if home is not None:
        section_types = {
            ContentType.objects.get_for_model(apps.get_model(label)).pk: name
            for name, label in SECTION_TYPES.items()
        }
        for child in public_pages(home.get_children()):
            url = child.get_url(request)
            section = section_types.get(child.content_type_id)
            if section and section not in sections:
                sections[section] = url
            if child.show_in_menus:
                nav.append({"title": child.title, "url": url})
    return {
        "home_url": home.get_url(request) if home is not None else language_home_url(language),
        "nav": nav,
        "sections": sections,
        "hotlines": hotlines.in_language(language),
    }


def _home_for(site, language):
    if site is None:
        return None
    root = site.root_page
    translated = (
        Page.objects.filter(translation_key=root.translation_key, locale__language_code=language)
        .live()
        .first()
    )
    return translated or (root if root.live else None)


def hotlines_by_country(hotlines):
    """[(country name, [hotline, …])] in the order the list comes in."""
    groups = {}
    for hotline in hotlines:
        groups.setdefault(hotline["country_name"], []).append(hotline)
    return list(groups.items())


def first_hotline_per_country(hotlines):
    seen, first = set(), []
    for hotline in hotlines:
        if hotline["country"] not in seen:
            seen.add(hotline["country"])
            first.append(hotline)
    return first
