"""A network coordinator publishes a statistics release; a visitor reads it
and the list of releases, at desktop and phone widths."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client

from portal.core.roles import NETWORK_COORDINATORS
from tests.reports.factories import add_cases, make_report, network_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def shared_records(transactional_db):
    report = make_report(audience="network")
    add_cases(report, 60)
    add_cases(report, 40, gender="Female", country_of_exploitation="TR", is_sexual_exploit=True)
    return report


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def test_a_coordinator_publishes_the_first_release(
    live_server, shared_records, desktop, screenshot
):
    page = desktop
    coordinator = network_user()
    coordinator.groups.add(Group.objects.get_or_create(name=NETWORK_COORDINATORS)[0])
    sign_in(page, live_server, coordinator)
    page.goto(f"{live_server.url}/statistics/")
    assert page.locator(".stats-none").is_visible()
    assert page.locator("svg[role=img]").count() == 0
    screenshot(page, "none-yet")

    page.locator('a[href="/statistics/releases/publish/"]').first.click()
    page.wait_for_url("**/statistics/releases/publish/")
    screenshot(page, "publish")
    page.locator("main form button[type=submit]").click()

    page.wait_for_url("**/statistics/releases/1/")
    assert page.locator("svg[role=img]").count() == 6
    assert "1" in page.locator(".stats-release").inner_text()
    screenshot(page, "release-1")


def test_a_visitor_reads_the_latest_release_and_the_list_on_a_phone(
    live_server, shared_records, phone, screenshot
):
    from tests.reports.factories import publish

    publish()
    publish()
    page = phone
    page.goto(f"{live_server.url}/statistics/")
    assert page.locator("svg[role=img]").count() == 6
    assert "2" in page.locator(".stats-release").inner_text()
    assert page.locator('a[href="/statistics/releases/publish/"]').count() == 0
    no_sideways_scroll(page)
    screenshot(page, "latest")

    page.locator('.stats-release a[href="/statistics/releases/"]').click()
    page.wait_for_url("**/statistics/releases/")
    assert page.locator(".release-list li").count() == 2
    no_sideways_scroll(page)
    screenshot(page, "list")

    page.locator('.release-list a[href="/statistics/releases/1/"]').click()
    page.wait_for_url("**/statistics/releases/1/")
    assert page.locator('.stats-release a[href="/statistics/"]').is_visible()
    no_sideways_scroll(page)
    screenshot(page, "release-1")
