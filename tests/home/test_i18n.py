"""Russian and English: prefixed URLs, a switcher that keeps the page, hreflang,
fallbacks for untranslated pages, and new languages by settings alone."""

import re
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils.translation import trans_real

from tests.factories import UserFactory, make_workspace
from tests.home.builders import add_news, translate

pytestmark = pytest.mark.django_db


def links(html, rel):
    return dict(re.findall(rf'<link rel="{rel}" hreflang="([^"]+)" href="([^"]+)">', html))


def switcher(html):
    nav = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    return dict(re.findall(r'<a href="([^"]+)" hreflang="([^"]+)"', nav))


def test_switcher_links_to_the_translation_of_the_current_page(client, site):
    news = add_news(site.news, "Горячая линия")
    english = translate(news, "en", title="Hotline")

    html = client.get(news.url).content.decode()

    # Kyrgyz, Uzbek and Tajik have no translation of this item: their home pages.
    assert switcher(html) == {
        "/ru/news/" + news.slug + "/": "ru",
        english.url: "en",
        "/ky/": "ky",
        "/uz/": "uz",
        "/tg/": "tg",
    }
    assert "<form" not in re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)


def test_switcher_falls_back_to_the_home_page_of_a_language_without_translation(client, site):
    news = add_news(site.news, "Только по-русски")
    html = client.get(news.url).content.decode()
    assert switcher(html)["/en/"] == "en"


def test_public_pages_carry_no_csrf_token_so_they_can_be_cached(client, site):
    news = add_news(site.news, "Новость")
    response = client.get(news.url)
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert "csrftoken" not in response.cookies


def switcher_links(html):
    """(href, hreflang, lang, aria-current) of each link of the switcher."""
    nav = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    return re.findall(
        r'<a href="([^"]+)" hreflang="([^"]+)" lang="([^"]+)"( aria-current="true")?', nav
    )


@pytest.mark.parametrize("path", ["/accounts/login/", "/statistics/", "/search/?q=x"])
def test_pages_outside_the_page_tree_have_the_same_switcher_of_links(client, site, path):
    html = client.get(path, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'action="/i18n/setlang/"' not in html and "<select" not in html.split("<main")[0]
    links = switcher_links(html)
    offered = [code for code, _name in settings.LANGUAGES]
    assert offered[:2] == ["ru", "en"] and {"ky", "uz", "tg"} <= set(offered)
    assert [(code, lang) for _href, code, lang, _current in links] == [(c, c) for c in offered]
    assert [bool(current) for *_rest, current in links] == [c == "ru" for c in offered]
    english = links[1][0].replace("&amp;", "&")
    assert english == f"/i18n/en/?{urlencode({'next': path})}"


def test_workspace_pages_have_the_switcher_with_every_configured_language(client, site):
    owner = UserFactory()
    workspace = make_workspace(owner=owner)
    client.force_login(owner)
    languages = [("ru", "Russian"), ("en", "English"), ("ky", "Kyrgyz"), ("tg", "Tajik")]
    with override_settings(LANGUAGES=languages, WAGTAIL_CONTENT_LANGUAGES=languages):
        trans_real._supported = None
        html = client.get(f"/workspaces/{workspace.slug}/").content.decode()
    trans_real._supported = None
    assert [code for _href, code, *_rest in switcher_links(html)] == ["ru", "en", "ky", "tg"]


def test_the_switch_link_remembers_the_language_and_returns_to_the_page(client, site):
    response = client.get("/i18n/en/", {"next": "/accounts/login/?next=/workspaces/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/workspaces/"
    assert response.cookies["django_language"].value == "en"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert '<html lang="en">' in client.get("/accounts/login/").content.decode()


def test_the_switch_link_never_sends_the_visitor_to_another_site(client, site):
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.get("/i18n/en/", {"next": target})
        assert response.status_code == 302
        assert response["Location"] == "/"


def test_there_is_one_way_to_switch_language_not_also_djangos_post_form(client, site):
    # The switcher's links replaced Django's set_language view: its route is
    # gone, and the switch view only answers GET for a language the site offers.
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 405
    assert client.get("/i18n/setlang/?next=/").status_code == 404
    assert "django_language" not in response.cookies


def test_the_switch_link_refuses_a_language_the_site_does_not_offer(client, site):
    response = client.get("/i18n/xx/", {"next": "/"})
    assert response.status_code == 404
    assert "django_language" not in response.cookies


def test_page_has_canonical_and_hreflang_alternates_with_x_default(client, site):
    news = add_news(site.news, "Новость")
    english = translate(news, "en", title="News item")

    html = client.get(english.url).content.decode()

    assert f'<link rel="canonical" href="http://testserver{english.url}">' in html
    assert links(html, "alternate") == {
        "ru": f"http://testserver{news.url}",
        "en": f"http://testserver{english.url}",
        "x-default": f"http://testserver{news.url}",
    }


def test_root_serves_the_home_page_with_canonical_language_url_and_x_default_root(client, site):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<link rel="canonical" href="http://testserver/en/">' in html
    assert links(html, "alternate")["x-default"] == "http://testserver/"


@pytest.mark.parametrize("path", ["/news/", "/resources/"])
def test_unprefixed_section_urls_end_on_the_section_in_the_visitors_language(client, site, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/en{path}"
    assert response.context["page"].locale.language_code == "en"


def test_english_index_lists_untranslated_russian_news_marked_as_russian(client, site):
    translated = add_news(site.news, "Переведённая")
    translate(translated, "en", title="Translated")
    add_news(site.news, "Только по-русски")

    html = client.get("/en/news/").content.decode()

    assert "Translated" in html
    assert "Переведённая" not in html  # its English version stands for it
    assert "Только по-русски" in html
    assert '<li class="card" lang="ru">' in html
    assert "Only in Russian so far" in html


def test_interface_strings_are_translated_into_russian(client, site):
    html = client.get("/ru/").content.decode()
    assert "Перейти к содержанию" in html  # "Skip to content"
    assert "Поиск" in html
    english = client.get("/en/").content.decode()
    assert "Skip to content" in english


def test_reading_a_language_remembers_it_for_pages_without_a_prefix(client, site):
    client.get("/en/")
    assert client.cookies["django_language"].value == "en"
    assert '<html lang="en">' in client.get("/accounts/login/").content.decode()


def test_adding_kyrgyz_is_a_settings_change(client, site):
    languages = [("ru", "Russian"), ("en", "English"), ("ky", "Kyrgyz")]
    with override_settings(LANGUAGES=languages, WAGTAIL_CONTENT_LANGUAGES=languages):
        trans_real._supported = None
        html = client.get("/ru/").content.decode()
        assert switcher(html)["/ky/"] == "ky"
        kyrgyz = client.get("/ky/")
        assert kyrgyz.status_code == 200
        # Until editors translate it, the Russian home page stands in.
        assert kyrgyz.context["page"].pk == site.home.pk
        assert '<html lang="ky">' in kyrgyz.content.decode()
    trans_real._supported = None
