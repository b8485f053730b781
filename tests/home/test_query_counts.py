"""SQL queries to render each page type: bounded, and the same with 2 or 14
items on the page. Measured with the page cache off (what a publish costs the
first visitor) but after a first render, as in production where images have
their renditions and the header its cached hotlines."""

import pytest
from django.test import override_settings

from tests.factories import OrganisationFactory
from tests.home.builders import (
    add_campaign,
    add_event,
    add_hotline,
    add_news,
    add_resource,
    make_image,
    translate,
)
from tests.referrals.builders import make_provider  # noqa: E402

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


# The budget of each page type (measured values are in the README).
MAX_QUERIES = {
    "home": 17,
    "news_index": 17,
    "news_page": 18,
    "news_feed": 13,
    "event_index": 15,
    "event_page": 14,
    "event_ics": 13,
    "event_calendar": 11,
    "campaign_index": 16,
    "campaign_page": 14,
    # One more than the hotlines alone: the service directory's public list.
    "get_help": 12,
    "about": 12,
    "resource_index": 14,
    "resource_page": 15,
    "sitemap": 5,
}


@pytest.fixture
def no_page_cache(settings):
    # The production cache layout: the default cache on the database,
    # renditions in a per-process cache.
    caches = {
        **settings.DATABASE_CACHES,
        "renditions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    with override_settings(PORTAL_PAGE_CACHE_SECONDS=0, CACHES=caches):
        yield


class Content:
    """Adds one more of everything a page might list."""

    def __init__(self, site):
        self.site = site
        self.n = 0
        self.image = make_image("Card")
        self.organisation = OrganisationFactory(name="Автор")
        for country in ("KG", "UZ", "TJ"):
            add_hotline(country, f"+996 312 00 00 0{len(country)}")

    def add(self):
        self.n += 1
        n, site = self.n, self.site
        news = add_news(
            site.news,
            f"Новость {n}",
            tags=["Ош", f"тег {n}"],
            image=self.image,
            image_alt="Рисунок",
            author_organisation=self.organisation,
            countries="KG",
        )
        if n % 2:
            translate(news, "en", title=f"News {n}", tags=["Osh"])
        add_event(site.events, f"Событие {n}", days=n, organiser=self.organisation)
        add_event(site.events, f"Прошлое {n}", days=-n)
        add_campaign(site.campaigns, f"Кампания {n}", image=self.image, image_alt="Рисунок")
        add_resource(site.resources, f"Ресурс {n}", featured=n % 2 == 0, audiences="ngos,police")
        OrganisationFactory(name=f"Участник {n}")
        make_provider(name=f"Приют {n}", country=("KG", "UZ", "TJ")[n % 3], public=True)
        if n == 1:
            self.news, self.event = news, site.events.get_children().first().specific
            self.campaign = site.campaigns.get_children().first().specific
            self.resource = site.resources.get_children().first().specific


URLS = {
    "home": lambda c: "/ru/",
    "news_index": lambda c: "/ru/news/",
    "news_page": lambda c: c.news.url,
    "news_feed": lambda c: "/ru/news/feed/",
    "event_index": lambda c: "/ru/events/",
    "event_page": lambda c: c.event.url,
    "event_ics": lambda c: c.event.url + "ics/",
    "event_calendar": lambda c: "/ru/events/calendar/",
    "campaign_index": lambda c: "/ru/campaigns/",
    "campaign_page": lambda c: c.campaign.url,
    "get_help": lambda c: c.site.get_help.url,
    "about": lambda c: c.site.about.url,
    "resource_index": lambda c: "/ru/resources/",
    "resource_page": lambda c: c.resource.url,
    "sitemap": lambda c: "/sitemap.xml",
}


def count_queries(client, content, assert_max_queries):
    """{page type: queries of its second render}, each within its budget."""
    counts = {}
    for page_type, url in URLS.items():
        address = url(content)
        assert client.get(address).status_code == 200  # first render: renditions, chrome
        with assert_max_queries(MAX_QUERIES[page_type]) as captured:
            assert client.get(address).status_code == 200
        counts[page_type] = len(captured)
    return counts


def test_queries_per_page_type_are_bounded_and_do_not_grow_with_items(
    client, site, django_assert_max_num_queries
):
    content = Content(site)
    for _ in range(2):
        content.add()
    few = count_queries(client, content, django_assert_max_num_queries)
    for _ in range(12):
        content.add()
    many = count_queries(client, content, django_assert_max_num_queries)

    print("SQL queries per page type (2 items, then 14):", few, many)
    assert many == few
