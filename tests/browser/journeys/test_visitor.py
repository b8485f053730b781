"""A visitor of the public site, in Russian, on a desktop and on a phone: finds
the hotline of their country and prints or shares it, searches, filters the
library and downloads a document, reads the statistics and their corridors
(with a partner network's figures beside them) for a year they pick, then
switches to English with the header's switcher and stays on the page they were
reading."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import transaction

from portal.home.models import news
from portal.reports.statistics import Corridor
from portal.reports.statistics_layers import PartnerLayer, register_layer, unregister_layer
from tests.browser.conftest import ARTIFACTS
from tests.browser.journey import pdf_pages
from tests.home.builders import (
    add_hotline,
    add_library,
    add_news,
    make_image,
    make_site,
    translate,
)
from tests.referrals.builders import make_provider, untranslated_words
from tests.reports.factories import add_cases, make_report, publish

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def site(search_index):
    # One transaction, one write of the search index for all of it.
    with transaction.atomic():
        site = make_site()
        add_hotline("KG", "+996 3222 0 00 01", organisation="Ошский центр помощи мигрантам")
        add_hotline(
            "KG", "+996 312 98 00 02", organisation="Бишкекский кризисный центр", sort_order=2
        )
        add_hotline("UZ", "+998 74 200 00 01", organisation="Андижанский центр поддержки семьи")
        add_hotline(
            "UZ", "+998 73 244 00 02", organisation="Ферганская линия доверия", sort_order=2
        )
        add_hotline("TJ", "+992 3422 0 00 01", organisation="Худжандский кризисный центр")
        add_hotline(
            "TJ", "+992 37 221 00 02", organisation="Душанбинская горячая линия", sort_order=2
        )
        make_provider(
            name="Андижанский приют «Мехр»",
            services=["shelter", "psychological"],
            country="UZ",
            city="Андижан",
            languages=["uz", "ru"],
            opening_hours="Круглосуточно",
            phone="+998 74 200 00 10",
            public=True,
            notes_internal="Мест для мужчин нет до весны.",
        )
        make_provider(
            name="Худжандская юридическая клиника",
            services=["legal_aid"],
            country="TJ",
            city="Худжанд",
            public=False,
        )
        image = make_image("Ош")
        site.story = add_news(
            site.news,
            "Горячая линия в Оше теперь отвечает и ночью",
            intro="Консультанты дежурят круглосуточно.",
            tags=["Ош"],
            image=image,
            image_alt="Здание центра в Оше",
        )
        site.story_en = translate(site.story, "en", title="The Osh hotline now answers at night")
        add_news(
            site.news,
            "Семинар для махаллей в Андижане",
            days_ago=3,
            image=image,
            image_alt="Семинар",
        )
        add_news(
            site.news,
            "Межведомственное взаимодействие при идентификации пострадавших",
            days_ago=5,
            image=image,
            image_alt="Здание центра в Оше",
        )
        add_library(site.resources)
        report = make_report(audience="network")
        add_cases(report, 30)
        add_cases(report, 20, gender="Female")
        publish()
    return site


@pytest.fixture
def partner_network():
    """A partner network's corridor figures, as portal.exchange registers them
    from an imported release: 2024 only (the site's own records are of 2023)."""
    layer = PartnerLayer(
        source="https://md.example.org",
        network="Сеть «Ла Страда Молдова»",
        release_id="7",
        published_at=datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC),
        corridors=(Corridor("2024", "MD", "RU", 31), Corridor("2024", "MD", "TR", None)),
        total=120,
        k=11,
    )

    def provider():
        return [layer]

    register_layer(provider)
    yield layer
    unregister_layer(provider)


def test_visitor_finds_help_searches_reads_and_switches_language(
    journey, site, partner_network, monkeypatch
):
    # Two news a page: the site's three news make two pages.
    monkeypatch.setattr(news, "NEWS_PER_PAGE", 2)
    page = journey.page
    journey.goto("/")
    journey.check("home")

    # A visitor in Tajikistan: the bar names each country's first line, the
    # get-help page lists them all, the valley's three first and by name.
    bar = page.locator(".hotline-bar")
    assert bar.get_by_role("link", name="+992 3422 0 00 01", exact=True).get_attribute("href") == (
        "tel:+992342200001"
    )
    bar.get_by_role("link", name="Все горячие линии и помощь").click()
    page.wait_for_url("**/ru/get-help/")
    journey.check("get-help", allowed_words=untranslated_words())
    countries = page.locator(".hotlines__country h3").all_inner_texts()
    assert countries == ["Кыргызстан", "Таджикистан", "Узбекистан"]
    # Where to get help beyond a call: the public providers by country, never
    # an unlisted one, never the network's internal notes.
    providers = page.locator(".providers--public")
    assert providers.locator(".providers__country h3").all_inner_texts() == ["Узбекистан"]
    shelter = providers.locator(".provider", has_text="Андижанский приют «Мехр»")
    assert shelter.get_by_role("link", name="+998 74 200 00 10").get_attribute("href") == (
        "tel:+998742000010"
    )
    assert "Худжандская юридическая клиника" not in page.content()
    assert "Мест для мужчин" not in page.content()
    tajikistan = page.locator(".hotlines__country", has_text="Таджикистан")
    assert tajikistan.get_by_role("link", name="+992 37 221 00 02", exact=True).get_attribute(
        "href"
    ) == ("tel:+992372210002")
    # One number can be sent on its own: the message carries it.
    sent = tajikistan.get_by_role("link", name="Telegram +992 37 221 00 02").get_attribute("href")
    assert "%2B992+37+221+00+02" in sent and "get-help" in sent

    # Share in a messenger: plain links with the page's address, no script.
    share = page.locator(".share")
    telegram = urlsplit(share.get_by_role("link", name="Telegram").get_attribute("href"))
    assert (telegram.scheme, telegram.netloc, telegram.path) == ("https", "t.me", "/share/url")
    assert parse_qs(telegram.query)["url"] == [page.url]
    whatsapp = share.get_by_role("link", name="WhatsApp").get_attribute("href")
    assert whatsapp.startswith("https://wa.me/?text=") and "get-help" in whatsapp
    assert share.get_by_role("link", name=page.url).is_visible()

    # On paper: one A4 sheet, without the header's navigation, the switcher or
    # the footer, the numbers large and the page's address written out.
    page.emulate_media(media="print")
    for hidden in (".site-nav", ".language-switcher", ".site-footer", ".hotline-bar"):
        assert not page.locator(hidden).is_visible(), hidden
    assert page.locator(".share__address").is_visible()
    number_size = page.locator(".hotline__number").first.evaluate(
        "element => parseFloat(getComputedStyle(element).fontSize)"
    )
    assert number_size >= 20
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / f"visitor-{journey.device}-get-help.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) == 1
    page.emulate_media(media="null")

    # Search from the header.
    search = page.locator(".site-search")
    search.get_by_role("searchbox").fill("ночью")
    search.get_by_role("button").click()
    page.wait_for_url("**/search/?q=**")
    # Search answers in every language; a hit in English says so (lang), so a
    # screen reader reads it in English. Its words are not untranslated chrome.
    english_hit = page.locator(".search-hit__title a[lang=en]")
    assert english_hit.inner_text() == "The Osh hotline now answers at night"
    journey.check("search", allowed_words=english_hit.inner_text().split())
    page.get_by_role("link", name="Горячая линия в Оше теперь отвечает и ночью").first.click()
    page.wait_for_url(f"**{site.story.url}")
    journey.check("news-item")

    # The news list, newest first; the oldest is on the next page.
    page.locator(".site-nav").get_by_role("link", name="Новости").click()
    page.wait_for_url("**/ru/news/")
    assert "Межведомственное взаимодействие" not in page.locator("main").inner_text()
    page.get_by_role("navigation", name="Страницы").get_by_role("link", name="Дальше").click()
    page.wait_for_url("**/ru/news/?page=2")
    journey.check("news-page-2")
    assert "Межведомственное взаимодействие при идентификации пострадавших" in (
        page.locator("main").inner_text()
    )
    current = page.get_by_role("navigation", name="Страницы").locator("[aria-current=page]")
    assert current.inner_text().endswith("2")

    # The library: filter by topic, then by country, open a resource, download it.
    page.locator(".site-nav").get_by_role("link", name="Ресурсы").click()
    page.wait_for_url("**/ru/resources/")
    journey.check("library")
    assert page.locator(".resource-card").count() == 3
    page.get_by_label("Тема").select_option("legal")
    page.get_by_role("button", name="Показать ресурсы").click()
    page.wait_for_url("**topic=legal**")
    journey.check("library-filtered")
    cards = page.locator(".resource-card")
    assert cards.count() == 1
    assert "Кодекс: выдержки" in cards.first.inner_text()
    assert "1 ресурс" in page.locator(".library__count").inner_text()
    # The counts in the options follow the chosen filter.
    assert page.locator('#id_topic option[value="legal"]').inner_text().endswith("(1)")
    countries = page.locator("#id_country option").all_inner_texts()
    assert [re.sub(r" \(\d+\)$", "", name) for name in countries[1:4]] == [
        "Кыргызстан",
        "Таджикистан",
        "Узбекистан",
    ]
    page.get_by_role("link", name="Тема: Право и юридическая помощь").click()
    page.wait_for_url("**/ru/resources/")
    assert page.locator(".resource-card").count() == 3
    page.get_by_label("Тема").select_option("legal")
    page.get_by_role("button", name="Показать ресурсы").click()
    page.wait_for_url("**topic=legal**")
    page.get_by_role("link", name="Кодекс: выдержки").first.click()
    page.wait_for_url("**/ru/resources/**/")
    journey.check("resource")
    with page.expect_download() as download:
        page.locator(".download__button").click()
    assert download.value.suggested_filename.endswith(".docx")
    assert download.value.failure() is None

    # Statistics, from the main navigation.
    page.locator(".site-nav").get_by_role("link", name="Статистика").click()
    page.wait_for_url("**/statistics/")
    journey.check("statistics")
    assert page.locator("h1").inner_text() == "Статистика"
    assert "Опубликовано около 50" in page.locator(".stats-total").inner_text()
    assert page.locator("svg[role=img]").count() == 6

    # Corridors: from the statistics, the newest year with figures first, as a
    # table and a chart; then the year the visitor picks, with the partner
    # network's figures beside the network's own.
    page.get_by_role("link", name="Коридоры: откуда люди родом и где их эксплуатируют").click()
    page.wait_for_url("**/statistics/releases/1/corridors/")
    journey.check("corridors")
    own = page.locator(".corridor-layer").first
    assert own.locator("h2").inner_text() == "Наша сеть, 2023"
    assert own.locator("tbody tr").all_inner_texts() == ["Кыргызстан\tРоссия\t50"]
    assert page.locator("svg[role=img]").count() == 1
    page.get_by_label("Год регистрации").select_option("2024")
    page.get_by_role("button", name="Показать").click()
    page.wait_for_url("**/corridors/?year=2024")
    journey.check("corridors-2024")
    assert "Ни в одном коридоре за 2024 не набралось 11" in own.inner_text()
    partner = page.locator(".corridor-layer--partner")
    assert (
        partner.locator("h2")
        .inner_text()
        .startswith(
            "Партнёрская сеть: Сеть «Ла Страда Молдова» (https://md.example.org), выпуск 7 от"
        )
    )
    assert partner.locator("tbody tr").all_inner_texts() == [
        "Молдова\tРоссия\t31",
        "Молдова\tТурция\tменее 11",
    ]
    page.locator(".site-nav").get_by_role("link", name="Статистика").click()
    page.wait_for_url("**/statistics/")

    # English through the header's switcher: the same links as on every page.
    switcher = page.locator(".language-switcher")
    assert switcher.get_by_role("link", name="Русский").get_attribute("aria-current") == "true"
    assert switcher.get_by_role("link", name="English").get_attribute("hreflang") == "en"
    switcher.get_by_role("link", name="English").click()
    page.wait_for_url("**/statistics/")
    journey.check("statistics-english", language="en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Statistics"
    assert page.locator(".language-switcher [aria-current]").inner_text() == "English"

    # And back to Russian from a public page: the same page in the other language.
    page.get_by_role("link", name="Ferghana Network").first.click()
    page.wait_for_url("**/en/")
    page.get_by_role("link", name="The Osh hotline now answers at night").first.click()
    page.wait_for_url(f"**{site.story_en.url}")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "The Osh hotline now answers at night"
    journey.check("news-english", language="en")
    page.locator(".language-switcher").get_by_role("link", name="Русский").click()
    page.wait_for_url(f"**{site.story.url}")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text() == "Горячая линия в Оше теперь отвечает и ночью"
    assert page.locator(".hotline-bar").inner_text().startswith("Нужна помощь?")
    journey.check("news-russian")

    # The smallest phones: the home page's news cards fit 320 px.
    if journey.device == "phone":
        page.set_viewport_size({"width": 320, "height": 640})
        journey.goto("/ru/")
        journey.check("home-320")
