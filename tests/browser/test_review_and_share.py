"""With the office's approval required, a network coordinator approves a
waiting report in a real browser. (Writing, the second person's review and the
sharing confirmation are walked in tests/browser/journeys/test_manager.py.)"""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client

from portal.core.roles import NETWORK_COORDINATORS
from portal.reports import services
from portal.reports.models import MonitoringReport
from tests.factories import add_member, make_workspace
from tests.reports.factories import add_cases, make_report, network_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONE_WIDTH = 360


def sign_in(page, live_server, user):
    """Sign in as ``user`` (the sign-in form has its own tests): a session made
    by Django's test client, handed to the browser as its cookie."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def check_width(page, phone):
    """No sideways scrolling: the page is laid out no wider than the phone."""
    if phone:
        assert page.evaluate("window.innerWidth") == PHONE_WIDTH, page.url
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, page.url


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_coordinator_approves_a_report_waiting_for_the_office(
    live_server, request, screenshot, settings, device
):
    settings.PORTAL_SHARING_REQUIRES_OFFICE_APPROVAL = True
    page = request.getfixturevalue(device)
    phone = device == "phone"
    workspace = make_workspace(owner=network_user(), name="Андижанские приюты")
    writer = add_member(workspace, network_user(), "member")
    report = make_report(
        workspace, author=writer, status="reviewed", title="Поступления в приюты, 2024"
    )
    add_cases(report, 3)
    services.share_report(report, actor=workspace.memberships.get(role="owner").user)
    coordinator = network_user(is_staff=True)
    coordinator.groups.add(Group.objects.get_or_create(name=NETWORK_COORDINATORS)[0])

    sign_in(page, live_server, coordinator)
    page.goto(f"{live_server.url}/network/reports/")
    assert report.title not in page.locator("main").inner_text()
    page.locator('a[href$="/network/reports/approvals/"]').click()
    page.wait_for_url("**/network/reports/approvals/")
    item = page.locator(".share-approval")
    assert report.title in item.inner_text()
    assert item.locator("[data-cases]").inner_text() == "3"
    check_width(page, phone)
    screenshot(page, "approvals")

    item.locator('form[action$="/approve/"] button').click()
    page.wait_for_url("**/network/reports/approvals/")
    assert page.locator(".share-approval").count() == 0
    page.goto(f"{live_server.url}/network/reports/")
    assert report.title in page.locator("main").inner_text()
    check_width(page, phone)
    screenshot(page, "approved")
    assert MonitoringReport.objects.get(pk=report.pk).audience == "network"
