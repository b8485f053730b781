"""The news index: newest first, pages of ten, tag filter, RSS and Atom feeds."""

import xml.etree.ElementTree as ET

import pytest
from taggit.models import Tag

from portal.home.models.news import NEWS_PER_PAGE
from tests.home.builders import add_news

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def test_index_lists_newest_first_in_pages_of_ten(client, site):
    for day in range(NEWS_PER_PAGE + 2):
        add_news(site.news, f"Новость {day:02d}", days_ago=day)

    first = client.get("/ru/news/").content.decode()
    second = client.get("/ru/news/?page=2").content.decode()

    assert first.index("Новость 00") < first.index("Новость 01")
    assert "Новость 11" not in first
    assert "Новость 11" in second and "Новость 10" in second
    assert 'rel="next"' in first and 'rel="prev"' in second


# The portal's one pagination rule (portal.core.pagination): garbage, 0 and
# negatives show the first page, a number past the end the last one. Until
# issue 12 the news answered 404 here while the workspace lists clamped.
@pytest.mark.parametrize("page", ["abc", "0", "-3", "99"])
def test_index_shows_the_nearest_page_for_a_page_number_that_does_not_exist(client, site, page):
    add_news(site.news, "Единственная")
    response = client.get(f"/ru/news/?page={page}")
    assert response.status_code == 200
    assert "Единственная" in response.content.decode()


def test_index_filters_by_tag_and_shows_counts(client, site):
    add_news(site.news, "В Оше", tags=["Ош"])
    add_news(site.news, "Снова в Оше", tags=["Ош", "миграция"])
    add_news(site.news, "В Андижане", tags=["Андижан"])

    html = client.get("/ru/news/").content.decode()
    filtered = client.get("/ru/news/", {"tag": Tag.objects.get(name="Ош").slug}).content.decode()

    assert 'Ош <span class="count">(2)</span>' in html
    assert "В Оше" in filtered and "Снова в Оше" in filtered
    assert "В Андижане" not in filtered
    assert 'aria-current="page">Ош' in filtered


@pytest.mark.parametrize("url", ["/ru/news/", "/ru/news/feed/", "/ru/news/feed/atom/"])
@pytest.mark.parametrize("tag", ["no-such-tag", "%00", "%D0%BE%D1%88%00"])
def test_unknown_or_malformed_tag_is_a_404_not_an_empty_page(client, site, url, tag):
    add_news(site.news, "В Оше", tags=["Ош"])
    assert client.get(f"{url}?tag={tag}").status_code == 404


def test_rss_feed_filters_by_the_same_tags_as_the_index(client, site):
    add_news(site.news, "В Оше", tags=["Ош"])
    add_news(site.news, "В Андижане", tags=["Андижан"])
    slug = Tag.objects.get(name="Ош").slug

    response = client.get("/ru/news/feed/", {"tag": slug})

    assert response.status_code == 200
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314 (our own output)
    assert [item.findtext("title") for item in channel.iter("item")] == ["В Оше"]


def test_drafts_and_unpublished_news_are_not_listed(client, site):
    draft = add_news(site.news, "Черновик")
    draft.unpublish()
    add_news(site.news, "Опубликованная")

    html = client.get("/ru/news/").content.decode()

    assert "Опубликованная" in html
    assert "Черновик" not in html
    assert client.get(draft.url or "/ru/news/chernovik/").status_code == 404


def test_rss_feed_lists_news_of_its_language_with_links_and_tags(client, site):
    news = add_news(site.news, "Горячая линия", tags=["Ош"], intro="Круглосуточно.")
    response = client.get("/ru/news/feed/")

    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    channel = root.find("channel")
    assert channel.findtext("language") == "ru"
    item = channel.find("item")
    assert item.findtext("title") == "Горячая линия"
    assert item.findtext("link") == f"http://testserver{news.url}"
    assert item.findtext("description") == "Круглосуточно."
    assert item.findtext("category") == "Ош"


def test_atom_feed_is_valid_atom_and_filters_by_tag(client, site):
    add_news(site.news, "В Оше", tags=["Ош"])
    add_news(site.news, "В Андижане", tags=["Андижан"])

    response = client.get("/ru/news/feed/atom/", {"tag": Tag.objects.get(name="Ош").slug})

    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 (our own output)
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]
    assert titles == ["В Оше"]


def test_index_page_advertises_its_feeds(client, site):
    html = client.get("/ru/news/").content.decode()
    assert 'type="application/rss+xml"' in html
    assert 'href="http://testserver/ru/news/feed/"' in html
    assert 'href="http://testserver/ru/news/feed/atom/"' in html


def test_news_under_a_view_restriction_is_not_listed_anywhere(client, site):
    from wagtail.models import PageViewRestriction

    hidden = add_news(site.news, "Только для участников")
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
    add_news(site.news, "Открытая новость")

    for url in ("/ru/", "/ru/news/", "/ru/news/feed/"):
        html = client.get(url).content.decode()
        assert "Открытая новость" in html
        assert "Только для участников" not in html
    response = client.get(hidden.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
