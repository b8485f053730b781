"""Links between the language versions of a page: the language switcher and the
hreflang alternates use the same list."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language_info

from .chrome import language_home_url
from .queries import default_language, public_pages


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str  # in the language itself: "Русский", "English"
    url: str
    current: bool
    translated: bool  # False when the link falls back to that language's home page


def language_name(code):
    """A language's name in the language itself ("Русский", "English"): a
    reader looks for their own language's name, not its translation."""
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return str(dict(settings.LANGUAGES).get(code, code))


def view_language_links(request):
    """One link per site language for a page outside the page tree: through
    the switch view, which remembers the choice and comes back here."""
    current = translation.get_language()
    here = urlencode({"next": request.get_full_path()})
    return [
        LanguageLink(
            code=code,
            name=language_name(code),
            url=f"{reverse('switch_language', args=(code,))}?{here}",
            current=code == current,
            translated=True,
        )
        for code, _name in settings.LANGUAGES
    ]


def page_language_links(page, request):
    """One link per site language: the translation of ``page`` when it is live
    and public, else that language's home page."""
    current = translation.get_language()
    translations = {
        p.locale.language_code: p
        for p in public_pages(page.get_translations(inclusive=True)).select_related("locale")
    }
    links = []
    for code, _name in settings.LANGUAGES:
        translated = translations.get(code)
        if code == current and translated is None:
            # This very page stands in for a missing translation: stay here.
            url, is_translated = request.path, False
        elif translated is not None:
            url, is_translated = translated.get_url(request), True
        else:
            url, is_translated = language_home_url(code), False
        links.append(
            LanguageLink(
                code=code,
                name=language_name(code),
                url=url,
                current=code == current,
                translated=is_translated,
            )
        )
    return links


def hreflang_alternates(page, request, links):
    """(hreflang, absolute URL) pairs for the page's real translations, plus
    x-default: "/" for the home page (it negotiates the language), else the
    version in the default language."""
    alternates = [
        (link.code, request.build_absolute_uri(link.url)) for link in links if link.translated
    ]
    if page.depth <= 2:
        alternates.append(("x-default", request.build_absolute_uri("/")))
    else:
        default = next(
            (url for code, url in alternates if code == default_language()),
            None,
        )
        if default:
            alternates.append(("x-default", default))
    return alternates
