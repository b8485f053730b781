"""A person who reads Kyrgyz, Uzbek or Tajik better than Russian: opens the
portal in Russian, switches to Kyrgyz, finds the get-help page and the hotlines
in Kyrgyz, then reads the same page in Uzbek and in Tajik."""

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.journey import pdf_pages

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_reader_finds_help_in_kyrgyz_uzbek_and_tajik(demo, journey):
    page = journey.page
    journey.goto("/ru/")
    journey.check("home-ru")

    page.get_by_role("link", name="Кыргызча").first.click()
    page.wait_for_url("**/ky/")
    journey.check("home-ky", language="ky")
    assert "Адам сатууга каршы Фергана өрөөнүнүн тармагы" in page.locator("h1").inner_text()

    page.get_by_role("link", name="Жардам алуу").first.click()
    page.wait_for_url("**/ky/get-help/")
    journey.check("get-help-ky", language="ky")
    assert_prints_on_one_sheet(journey, "ky")
    body = page.locator("main").inner_text()
    assert "Эмне кылуу керек" in body
    assert "Ош мигранттарды колдоо борбору" in page.locator("body").inner_text()

    page.get_by_role("link", name="Oʻzbekcha").first.click()
    page.wait_for_url("**/uz/get-help/")
    journey.check("get-help-uz", language="uz")
    assert_prints_on_one_sheet(journey, "uz")
    assert "Nima qilish kerak" in page.locator("main").inner_text()

    page.get_by_role("link", name="Тоҷикӣ").first.click()
    page.wait_for_url("**/tg/get-help/")
    journey.check("get-help-tg", language="tg")
    assert_prints_on_one_sheet(journey, "tg")
    assert "Чӣ бояд кард" in page.locator("main").inner_text()
    assert "Маркази бӯҳронии занони Хуҷанд" in page.locator("body").inner_text()


def assert_prints_on_one_sheet(journey, language):
    """The demo's whole get-help page (hotlines, providers, what to do) prints
    on one A4 sheet in every language, however long its words."""
    page = journey.page
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / f"reader-{journey.device}-get-help-{language}.pdf").write_bytes(pdf)
    page.emulate_media(media="null")
    assert pdf_pages(pdf) == 1, language
