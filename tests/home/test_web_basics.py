"""sitemap.xml, robots.txt, favicon, meta and Open Graph tags, error pages."""

import xml.etree.ElementTree as ET

import pytest
from wagtail.models import PageViewRestriction

from tests.home.builders import add_news, make_image, translate

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def test_sitemap_lists_public_pages_in_every_language_with_alternates(client, site):
    news = add_news(site.news, "Новость")
    english = translate(news, "en", title="News item")
    hidden = add_news(site.news, "Закрытая")
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
    draft = add_news(site.news, "Черновик")
    draft.unpublish()

    response = client.get("/sitemap.xml")

    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    urls = {url.findtext(f"{SITEMAP}loc"): url for url in root.iter(f"{SITEMAP}url")}
    assert "http://testserver/ru/" in urls and "http://testserver/en/" in urls
    assert f"http://testserver{english.url}" in urls
    assert f"http://testserver{hidden.url}" not in urls
    assert not any("chernovik" in url or draft.slug in url for url in urls)
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in urls[f"http://testserver{news.url}"].iter(f"{XHTML}link")
    }
    assert alternates == {
        "ru": f"http://testserver{news.url}",
        "en": f"http://testserver{english.url}",
    }


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_private_areas(client, site):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    for path in ("/admin/", "/accounts/", "/workspaces/"):
        assert f"Disallow: {path}" in text


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.ico")


def test_pages_have_meta_description_and_open_graph_tags(client, site):
    news = add_news(
        site.news,
        "Горячая линия",
        intro="Линия отвечает круглосуточно.",
        image=make_image(),
        image_alt="Рисунок гор",
    )
    html = client.get(news.url).content.decode()
    assert '<meta name="description" content="Линия отвечает круглосуточно.">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Горячая линия">' in html
    assert f'<meta property="og:url" content="http://testserver{news.url}">' in html
    assert '<meta property="og:image" content="http://testserver/' in html
    assert '<meta property="og:image:alt" content="Рисунок гор">' in html
    assert '<meta property="og:locale" content="ru_RU">' in html


def test_not_found_page_is_styled_with_search_and_a_way_home(client, site):
    response = client.get("/ru/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'class="site-header"' in html
    assert 'action="/search/"' in html
    assert 'href="/ru/"' in html
    assert '<meta name="robots" content="noindex">' in html


def test_server_error_page_renders_without_a_database_in_the_visitors_language(rf):
    # No django_db mark: a query here would fail the test.
    from portal.home import outage

    russian = outage.error_page(rf.get("/ru/news/"), status=500).content.decode()
    english = outage.error_page(rf.get("/en/news/"), status=500).content.decode()
    assert '<html lang="ru">' in russian and "Что-то пошло не так" in russian
    assert '<html lang="en">' in english and "Something went wrong" in english
    assert "/static/css/site.css" in english


def test_every_page_has_a_skip_link_a_main_landmark_and_a_labelled_search(client, site):
    html = client.get("/ru/").content.decode()
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html
    assert '<label for="site-search-q"' in html
    assert 'role="search"' in html
