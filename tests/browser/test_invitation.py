"""Invitations in a real browser, Russian interface, desktop and phone: an
owner invites an address, the invited person opens the link from the mail,
creates an account and lands in the workspace; and the attacker's path: the
link opened while signed in as another account that added the invited address
without confirming it is refused and explained, and signing out from there
works (the page's referrer policy must let its forms post)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from portal.members.models import Invitation, Membership
from tests.factories import (
    DEFAULT_PASSWORD,
    OrganisationFactory,
    UserFactory,
    make_invitation,
    make_workspace,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

INVITED = "new.colleague@example.org"
NEW_PASSWORD = "a-long-pass-phrase-42"


@pytest.fixture
def owner(transactional_db):
    return UserFactory(email="owner@example.org", organisation=OrganisationFactory())


@pytest.fixture
def workspace(owner):
    return make_workspace(owner=owner, slug="osh-monitoring", name="Ошская группа мониторинга")


def sign_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_owner_invites_and_the_invited_person_signs_up_into_the_workspace(
    request, device, live_server, workspace, owner, screenshot
):
    page = request.getfixturevalue(device)
    base = live_server.url
    sign_in(page, base, owner.email)

    page.goto(f"{base}/workspaces/{workspace.slug}/invitations/new/")
    assert no_sideways_scroll(page)
    page.fill("input[name=email]", INVITED)
    page.select_option("select[name=role]", "member")
    screenshot(page, "invitation-form")
    page.locator("form.narrow button[type=submit]").click()
    page.wait_for_url(f"**/workspaces/{workspace.slug}/members/")
    assert Invitation.objects.get(workspace=workspace).email == INVITED

    # The invited person: another browser session, the link from the mail.
    (message,) = [m for m in mail.outbox if m.to == [INVITED]]
    path = re.search(r"https?://[^/\s]+(/workspaces/invitations/[^/\s]+/)", message.body).group(1)
    page.context.clear_cookies()
    page.goto(f"{base}{path}")
    assert INVITED in page.locator("main").inner_text()
    assert no_sideways_scroll(page)
    screenshot(page, "signup")
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    page.locator("form:has(input[name=password1]) button[type=submit]").click()

    page.wait_for_url(f"**/workspaces/{workspace.slug}/")
    assert "Добро пожаловать" in page.locator("body").inner_text()
    assert no_sideways_scroll(page)
    screenshot(page, "workspace")
    newcomer = Membership.objects.get(workspace=workspace, user__email=INVITED)
    assert newcomer.role == "member"
    assert EmailAddress.objects.get(email=INVITED).verified


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_stolen_link_is_refused_for_an_account_with_the_address_unconfirmed(
    request, device, live_server, workspace, screenshot
):
    page = request.getfixturevalue(device)
    base = live_server.url
    attacker = UserFactory(email="attacker@example.org")
    EmailAddress.objects.create(user=attacker, email=INVITED, verified=False)
    _invitation, token = make_invitation(workspace, INVITED)
    link = f"{base}/workspaces/invitations/{token}/"

    sign_in(page, base, attacker.email)
    response = page.goto(link)
    assert response.status == 403
    assert page.locator("h1").inner_text() == "Это приглашение отправлено на другой адрес"
    # It says how to go on: confirm the address, or sign in with it.
    assert page.locator("main a[href='/accounts/email/']").count() == 1
    assert no_sideways_scroll(page)
    screenshot(page, "refused")
    assert not Membership.objects.filter(workspace=workspace, user=attacker).exists()
    assert not EmailAddress.objects.get(user=attacker, email=INVITED).verified

    # Signing out from the page works (its forms post with a real Origin)
    # and brings the link back for the rightful person.
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/workspaces/invitations/{token}/")
    assert page.locator("input[name=password1]").count() == 1
    screenshot(page, "signed-out")
    assert Invitation.objects.get().is_pending
