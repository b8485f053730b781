"""A member with an authenticator signs in through the one sign-in path: the
address they wanted, allauth's login, the code from their app, and back."""

import pytest

from tests.factories import DEFAULT_PASSWORD, OrganisationFactory, UserFactory, make_workspace
from tests.mfa import add_totp, current_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def member(transactional_db):
    person = UserFactory(email="alia@example.org", organisation=OrganisationFactory(verified=True))
    workspace = make_workspace(owner=person, slug="osh-monitoring", name="Osh monitoring")
    return person, workspace, add_totp(person)


def no_sideways_scroll(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def sign_in_with_code(page, person, secret, screenshot, step):
    page.locator("input[name=login]").fill(person.email)
    page.locator("input[name=password]").fill(DEFAULT_PASSWORD)
    screenshot(page, f"{step}-login")
    assert no_sideways_scroll(page)
    page.locator("input[name=password]").press("Enter")

    # The password alone signs nobody in: allauth asks for the code.
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    code_field = page.locator("input[name=code]")
    assert code_field.is_visible()
    screenshot(page, f"{step}-code")
    assert no_sideways_scroll(page)
    code_field.fill(current_code(secret, person))
    code_field.press("Enter")


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_member_signs_in_with_password_and_code_and_lands_on_the_workspace(
    live_server, member, device, request, screenshot
):
    page = request.getfixturevalue(device)
    person, workspace, secret = member
    page.goto(f"{live_server.url}/workspaces/{workspace.slug}/")
    page.wait_for_url("**/accounts/login/?next=**")
    sign_in_with_code(page, person, secret, screenshot, "workspace")

    page.wait_for_url(f"**/workspaces/{workspace.slug}/")
    assert "Osh monitoring" in page.locator("h1").inner_text()
    screenshot(page, "workspace")
    assert no_sideways_scroll(page)


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_staff_opening_the_admin_go_through_allauth_and_the_code(
    live_server, transactional_db, device, request, screenshot, settings
):
    settings.PORTAL_REQUIRE_MFA = True
    person = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    secret = add_totp(person)
    page = request.getfixturevalue(device)
    page.goto(f"{live_server.url}/admin/")
    # Wagtail's own login form is never shown: allauth's is.
    page.wait_for_url("**/accounts/login/?next=/admin/")
    sign_in_with_code(page, person, secret, screenshot, "admin")

    page.wait_for_url("**/admin/")
    assert page.locator("input[name=password]").count() == 0
    screenshot(page, "admin")
