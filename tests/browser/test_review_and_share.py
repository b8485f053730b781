"""Four eyes in a real browser: a member writes a report with a case record and
submits it; a manager reviews it, opens the sharing confirmation, reads what
becomes visible to whom, confirms, and sees the report shared. With the
office's approval required, a network coordinator approves a waiting report."""

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
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
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
def test_a_member_writes_a_manager_reviews_and_shares_after_confirming(
    live_server, request, screenshot, device
):
    page = request.getfixturevalue(device)
    phone = device == "phone"
    owner = network_user()
    workspace = make_workspace(owner=owner, name="Ошская группа мониторинга")
    writer = add_member(workspace, network_user(), "member")
    reviewer = add_member(workspace, network_user(), "manager")

    # The member writes the report and one case record, and submits.
    sign_in(page, live_server, writer)
    page.goto(f"{live_server.url}/workspaces/{workspace.slug}/reports/new/")
    page.fill("#id_title", "Мониторинг строек, первый квартал")
    page.fill("#id_period_start", "2024-01-01")
    page.fill("#id_period_end", "2024-03-31")
    page.select_option("#id_country", "KG")
    page.fill("#id_region", "Ошская область")
    page.fill("#id_summary", "Посещения трёх строительных площадок.")
    check_width(page, phone)
    page.locator("form.report-form button[type=submit]").click()
    page.wait_for_url("**/reports/*/")
    report = MonitoringReport.objects.get(workspace=workspace)

    page.locator('a[href$="/cases/new/"]').first.click()
    page.wait_for_url("**/cases/new/")
    page.select_option("#id_gender", "Female")
    page.select_option("#id_age_band", "18--20")
    page.select_option("#id_citizenship", "KG")
    page.select_option("#id_country_of_exploitation", "RU")
    check_width(page, phone)
    page.locator("form.case-form button[type=submit]:not([name])").click()
    page.wait_for_url(f"**{report.get_absolute_url()}**")
    assert report.cases.count() == 1
    check_width(page, phone)  # the report page, with its table of case records

    page.locator('form[action$="/submit/"] button').click()
    page.wait_for_url(f"**{report.get_absolute_url()}")
    assert page.locator('[data-status="submitted"]').is_visible()
    # The writer is offered no review.
    assert page.locator('form[action$="/review/"]').count() == 0
    screenshot(page, "submitted")

    # The manager reviews, opens the confirmation and confirms.
    sign_in(page, live_server, reviewer)
    page.goto(f"{live_server.url}{report.get_absolute_url()}")
    page.locator('form[action$="/review/"] button').click()
    page.wait_for_url(f"**{report.get_absolute_url()}")
    assert page.locator('[data-status="reviewed"]').is_visible()

    page.locator('a[href$="/share/"]').click()
    page.wait_for_url("**/share/")
    assert "1" in page.locator('[data-reach="cases"]').inner_text()
    assert page.locator('[data-reach="network"]').is_visible()
    assert page.locator('[data-reach="withdraw"]').is_visible()
    check_width(page, phone)
    screenshot(page, "confirmation")
    assert MonitoringReport.objects.get(pk=report.pk).audience == "workspace"

    page.check("#id_confirm")
    page.locator("form.share-confirm button[type=submit]").click()
    page.wait_for_url(f"**{report.get_absolute_url()}")
    assert page.locator('.report__badges [data-audience="network"]').is_visible()
    check_width(page, phone)
    screenshot(page, "shared")
    assert MonitoringReport.objects.get(pk=report.pk).audience == "network"


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
