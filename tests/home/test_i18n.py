"""Russian and English: prefixed URLs, a switcher that keeps the page, hreflang,
fallbacks for untranslated pages, and new languages by settings alone."""

import re

import pytest
from django.test import override_settings
from django.utils.translation import trans_real

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


def test_non_page_views_keep_the_language_form(client, site):
    html = client.get("/accounts/login/").content.decode()
    assert 'action="/i18n/setlang/"' in html


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
