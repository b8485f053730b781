"""What a visitor does on the public site, in a real browser. Filtering the
library and switching language are steps of the visitor's journey
(tests/browser/journeys/test_visitor.py)."""

import pytest
from django.db import transaction

from tests.home.builders import add_hotline, add_library, add_news, make_site, translate

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def site(transactional_db):
    # One transaction, one write of the search index for all of it.
    with transaction.atomic():
        site = make_site()
        add_hotline("KG", "+996 3222 0 00 01", organisation="Ошский центр помощи мигрантам")
        add_hotline("UZ", "+998 74 200 00 01", organisation="Андижанский центр поддержки семьи")
        add_hotline("TJ", "+992 3422 0 00 01", organisation="Худжандский кризисный центр")
        site.story = add_news(
            site.news,
            "Горячая линия в Оше теперь отвечает и ночью",
            intro="Консультанты дежурят круглосуточно.",
            tags=["Ош"],
        )
        site.story_en = translate(site.story, "en", title="The Osh hotline now answers at night")
        add_news(site.news, "Семинар для махаллей в Андижане", days_ago=3)
        add_library(site.resources)
    return site


def test_home_to_a_news_item_and_back_to_the_index(live_server, site, desktop, screenshot):
    page = desktop
    page.goto(f"{live_server.url}/")
    screenshot(page, "home")
    page.get_by_role("link", name="Горячая линия в Оше теперь отвечает и ночью").first.click()
    page.wait_for_url(f"**{site.story.url}")
    assert page.locator("h1").inner_text() == "Горячая линия в Оше теперь отвечает и ночью"
    screenshot(page, "news-item")

    page.locator(".breadcrumb").get_by_role("link", name="Новости").click()

    page.wait_for_url("**/ru/news/")
    assert page.locator("h1").inner_text() == "Новости"
    assert page.get_by_role("link", name="Семинар для махаллей в Андижане").is_visible()
    screenshot(page, "news-index")


@pytest.mark.parametrize("path", ["/ru/", "/ru/news/", "/accounts/login/"])
def test_hotline_link_is_on_screen_on_a_phone(live_server, site, phone, screenshot, path):
    page = phone
    page.goto(f"{live_server.url}{path}")

    link = page.locator(".hotline-bar").get_by_role("link", name="+996 3222 0 00 01")
    assert link.get_attribute("href") == "tel:+996322200001"
    assert link.is_visible()
    box = link.bounding_box()
    viewport = page.viewport_size
    # Visible without scrolling, and large enough to tap.
    assert box["y"] + box["height"] <= viewport["height"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    assert box["height"] >= 20
    # No sideways scrolling on a small screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, "phone")


def test_keyboard_users_can_skip_to_the_content(live_server, site, desktop, screenshot):
    page = desktop
    page.goto(f"{live_server.url}/ru/news/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Перейти к содержанию")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.bounding_box()["x"] >= 0  # shown on focus
    screenshot(page, "skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_home_page_is_light_and_needs_no_javascript(live_server, site, desktop):
    responses = []
    desktop.on("response", lambda response: responses.append(response))
    desktop.goto(f"{live_server.url}/ru/")
    desktop.wait_for_load_state("load")
    weights = {"document": 0, "stylesheet": 0, "script": 0}
    for response in responses:
        kind = response.request.resource_type
        if kind in weights:
            assert response.status == 200, response.url
            weights[kind] += len(response.body())
    total_kb = sum(weights.values()) / 1024
    print(f"home page weight: {weights} = {total_kb:.1f} KB")
    assert weights["script"] == 0
    assert weights["stylesheet"] > 0
    assert total_kb < 60
