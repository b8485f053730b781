"""How the public site's pages appear in search (the contract is in
portal/search/registry.py). The engine picks the most specific source per page
class, so every page type without a source of its own (home, get help, about,
content and index pages) is described by ``PublicPageSource``."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from portal.search.registry import PageSource, registry

from . import hotlines
from .chrome import hotlines_by_country
from .models import CampaignPage, EventPage, GetHelpPage, Hotline, NewsPage


def get_help_pages(hotline):
    """Every get-help page lists every hotline (in the page's language, or in
    the default one where a line has no translation), so any change of any
    hotline re-indexes them all: an old number left in the index would send
    someone at risk to a line nobody answers."""
    return list(GetHelpPage.objects.values_list("pk", flat=True))


def hotlines_text(language):
    """The hotlines as the get-help page in ``language`` shows them (the same
    lines, order and language fallback, through the function the page chrome
    uses), as plain text: country, then number, organisation, hours,
    languages and note of each line."""
    lines = hotlines.in_language(language)
    if not lines:
        return ""
    with translation.override(language):
        parts = [str(_("Call a hotline"))]
        for country_name, group in hotlines_by_country(lines):
            described = []
            for line in group:
                number = line["phone"]
                dialled = line["tel"].removeprefix("tel:")
                # Also as a dialler or a contact list shows it, without spaces,
                # when the page prints it spaced out.
                if dialled != number:
                    number = f"{number} ({dialled})"
                fields = (number, line["organisation"], line["hours"], line["languages"])
                described.append(" · ".join(field for field in (*fields, line["note"]) if field))
            parts.append(f"{country_name}: {'; '.join(described)}")
    return "\n".join(parts)


class PortalPageSource(PageSource):
    """What the portal's page types share: plain-text body from the page's own
    ``search_body`` and its summary."""

    def body_for(self, page):
        search_body = getattr(page, "search_body", None)
        return search_body() if search_body else (page.search_description or "")

    def extra_for(self, page):
        summary = getattr(page, "summary", "")
        return {"summary": summary} if summary else {}


class PublicPageSource(PortalPageSource):
    """Every other public page: home, get help, about, content and index pages."""

    kind = "page"
    label = _("Page")
    model = Page
    watch = {Hotline: get_help_pages}

    def body_for(self, page):
        body = super().body_for(page)
        if isinstance(page, GetHelpPage):
            # Someone who searches for a number, or for who answers it, must
            # land on the page that lists it.
            body = "\n".join(p for p in (body, hotlines_text(page.locale.language_code)) if p)
        return body

    def get_queryset(self):
        # Page types with a source of their own are indexed by that source only.
        claimed = [
            source.model
            for source in registry
            if isinstance(source, PageSource) and source.model is not Page
        ]
        queryset = super().get_queryset().filter(depth__gt=1)
        return queryset.not_type(*claimed) if claimed else queryset

    def entry_for(self, page):
        if page.depth <= 1:
            return None  # Wagtail's invisible tree root
        return super().entry_for(page)


class NewsSource(PortalPageSource):
    kind = "news"
    label = _("News")
    model = NewsPage

    def countries_for(self, page):
        return page.country_codes

    def date_for(self, page):
        return page.date

    def extra_for(self, page):
        return {
            "summary": page.intro,
            "tags": [tag.name for tag in page.tags.all()],
            "organisation": page.author_organisation.name if page.author_organisation else "",
        }


class CampaignSource(PortalPageSource):
    kind = "campaign"
    label = _("Campaign")
    model = CampaignPage

    def countries_for(self, page):
        return page.country_codes

    def date_for(self, page):
        return page.start_date

    def extra_for(self, page):
        return {
            "summary": page.intro,
            "starts": page.start_date.isoformat(),
            "ends": page.end_date.isoformat() if page.end_date else "",
            "regions": page.target_regions,
        }


class EventSource(PortalPageSource):
    kind = "event"
    label = _("Event")
    model = EventPage

    def countries_for(self, page):
        return [page.country] if page.country else []

    def date_for(self, page):
        return page.start

    def extra_for(self, page):
        return {
            "summary": page.intro,
            "starts": page.start.isoformat(),
            "ends": page.end.isoformat() if page.end else "",
            "time_zone": page.time_zone,
            "place": page.place,
            "attendance": page.attendance,
            "cancelled": page.cancelled,
        }


def register():
    for source in (PublicPageSource(), NewsSource(), CampaignSource(), EventSource()):
        registry.register(source)
