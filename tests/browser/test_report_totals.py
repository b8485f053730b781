"""A network member reads a report another NGO shared: totals, small cells hidden."""

import pytest
from django.conf import settings
from django.test import Client

from tests.reports.factories import add_cases, make_report, network_user, workspace_with_roles

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page, live_server, user):
    """The browser takes the session of a signed-in test client (sign-in itself
    has its own tests)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_network_member_reads_a_shared_report_as_totals_with_small_cells_hidden(
    request, live_server, screenshot, device
):
    workspace, _people = workspace_with_roles()
    report = make_report(workspace, audience="network", title="Osh returnees Q1")
    add_cases(report, 9)
    add_cases(report, 2, is_organ_removal=True)
    add_cases(report, 1, age_band="0--8", country_of_exploitation="TR")
    reader = network_user()
    page = request.getfixturevalue(device)
    sign_in(page, live_server, reader)

    page.goto(f"{live_server.url}/network/reports/")
    screenshot(page, "network-list")
    page.get_by_role("link", name="Osh returnees Q1").click()
    page.wait_for_url(f"**{report.get_absolute_url()}")
    assert page.locator("h1").inner_text() == "Osh returnees Q1"

    exploitation = page.locator('.summary-table[data-table="exploitation"]')
    exploitation.scroll_into_view_if_needed()
    assert exploitation.is_visible()
    organ_row = exploitation.locator("tr.suppressed").filter(has_text="менее 11")
    assert organ_row.count() >= 1  # organ removal (2 records) among them
    assert page.locator("table.cases").count() == 0  # no rows
    assert "0–8" not in page.locator("#cases").inner_text()
    screenshot(page, "totals")
    # Nothing wider than the screen, on a phone too.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
