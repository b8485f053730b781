"""Template tags of the public site: the page chrome (hotlines, navigation),
links between languages, head metadata and small helpers."""

from urllib.parse import quote, urlencode, urlsplit

from django import template
from django.utils import translation

from .. import cache
from ..chrome import first_hotline_per_country, get_chrome, hotlines_by_country
from ..i18n import hreflang_alternates, page_language_links, view_language_links

register = template.Library()

EMPTY_CHROME = {"home_url": "/", "nav": [], "sections": {}, "hotlines": []}


@register.simple_tag(takes_context=True)
def site_chrome(context):
    """Hotlines, navigation and section links for the current site and language.
    Empty (never an error) where there is no request, such as in e-mails."""
    request = context.get("request")
    if request is None:
        return EMPTY_CHROME
    chrome = get_chrome(request)
    return {
        **chrome,
        "hotline_bar": first_hotline_per_country(chrome["hotlines"]),
        "hotline_groups": hotlines_by_country(chrome["hotlines"]),
    }


@register.simple_tag(takes_context=True)
def page_languages(context, page):
    """Language links and head alternates of a Wagtail page."""
    request = context["request"]

    def build():
        links = page_language_links(page, request)
        return {
            "links": links,
            "alternates": hreflang_alternates(page, request, links),
            "canonical": request.build_absolute_uri(page.get_url(request) or request.path),
        }

    # The same for everyone who reads this page at this address: kept under
    # the content version (a publish anywhere may add or remove a translation).
    parts = [request.get_host(), request.path, page.pk, translation.get_language()]
    return cache.versioned("page_languages", parts, build)


@register.simple_tag(takes_context=True)
def language_links(context):
    """The switcher's links: the page's translations on a Wagtail page, else
    the switch view's links back to this address. Empty without a request."""
    page_langs = context.get("page_langs")
    if page_langs:
        return page_langs["links"]
    request = context.get("request")
    return view_language_links(request) if request is not None else []


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    request = context.get("request")
    if not url or request is None:
        return url or ""
    return request.build_absolute_uri(url)


@register.simple_tag
def share_links(url, title):
    """Share links for messengers people in the valley use: plain https links
    (no script, nothing for the CSP to allow) that open the app or its web
    page with the address filled in. Telegram sends the text beside the link;
    WhatsApp takes one text, so the address goes at its end."""
    return [
        {
            "name": "Telegram",
            "url": "https://t.me/share/url?" + urlencode({"url": url, "text": title}),
        },
        {
            "name": "WhatsApp",
            "url": "https://wa.me/?text=" + quote(f"{title} {url}", safe=""),
        },
    ]


@register.simple_tag
def hotline_share_links(line, url):
    """One hotline sent on its own: who answers and the number travel in the
    message itself, so the person who receives it can call without opening
    anything; the get-help page's address goes beside it."""
    return share_links(url, f"{line['organisation']}: {line['phone']}")


@register.simple_tag
def embed_card(url):
    """What we know about an embedded video or post without asking its site:
    the title and provider Wagtail stored when the editor added it."""
    from wagtail.embeds.models import Embed

    embed = Embed.objects.filter(url=url).order_by("-last_updated").first()
    host = urlsplit(url).hostname or url
    return {
        "title": (embed.title if embed else "") or url,
        "provider": (embed.provider_name if embed else "") or host.removeprefix("www."),
    }


@register.filter
def within(path, section_url):
    """Whether ``path`` is the section page ``section_url`` or below it."""
    return bool(section_url) and str(path).startswith(section_url)


# Open Graph wants language_TERRITORY; the portal's languages and their country.
_OG_LOCALES = {"ru": "ru_RU", "en": "en_GB", "ky": "ky_KG", "uz": "uz_UZ", "tg": "tg_TJ"}


@register.filter
def og_locale(code):
    return _OG_LOCALES.get(code, code)


class PublicFragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        parts = [request.get_host(), translation.get_language() or ""]
        parts += [var.resolve(context) for var in self.vary_on]
        return cache.versioned(
            f"fragment:{self.name}", parts, lambda: self.nodelist.render(context)
        )


@register.tag
def public_fragment(parser, token):
    """{% public_fragment "name" var… %}…{% end_public_fragment %}: public
    content rendered once per content version, language and the given values,
    for everyone (signed in or not) who sees the same page. Only for content
    that depends on the page alone: never a person, a form or a message. The
    page cache's version makes any publish show at once; its timeout bounds
    how long "upcoming" lists lag the clock."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("public_fragment needs a name")
    name = bits[1].strip("\"'")
    vary_on = [parser.compile_filter(bit) for bit in bits[2:]]
    nodelist = parser.parse(("end_public_fragment",))
    parser.delete_first_token()
    return PublicFragmentNode(nodelist, name, vary_on)
