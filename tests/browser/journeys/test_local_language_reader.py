"""A person who reads Kyrgyz, Uzbek or Tajik better than Russian: opens the
portal in Russian, switches to Kyrgyz, finds the get-help page and the hotlines
in Kyrgyz, then reads the same page in Uzbek and in Tajik."""

import pytest

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
    body = page.locator("main").inner_text()
    assert "Эмне кылуу керек" in body
    assert "Ош мигранттарды колдоо борбору" in page.locator("body").inner_text()

    page.get_by_role("link", name="Oʻzbekcha").first.click()
    page.wait_for_url("**/uz/get-help/")
    journey.check("get-help-uz", language="uz")
    assert "Nima qilish kerak" in page.locator("main").inner_text()

    page.get_by_role("link", name="Тоҷикӣ").first.click()
    page.wait_for_url("**/tg/get-help/")
    journey.check("get-help-tg", language="tg")
    assert "Чӣ бояд кард" in page.locator("main").inner_text()
    assert "Маркази бӯҳронии занони Хуҷанд" in page.locator("body").inner_text()
