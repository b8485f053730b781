"""Joining a workspace, in Chromium, in Russian, at desktop and phone width:

- an owner invites through the UI, the invited newcomer opens the mailed link,
  creates the account and lands in the workspace;
- an existing account signs in from the mailed link and accepts;
- a person of a member NGO asks to join, a manager approves, and the person
  follows the mailed answer into the workspace;
- the attacker's path: the link opened by an account that added the invited
  address without confirming it is refused and explained.

The invitation pages' forms are posted by the browser itself: with
`Referrer-Policy: no-referrer` Chromium sends `Origin: null` and Django's CSRF
check refuses the post (403), so the journeys assert the header and the
Origin the browser sent, and that the post went through.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from portal.members import invitations
from portal.members.models import Invitation, JoinRequest, Membership
from tests.browser.journey import sign_in
from tests.factories import (
    DEFAULT_PASSWORD,
    OrganisationFactory,
    UserFactory,
    add_member,
    make_invitation,
    make_workspace,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

INVITED = "new.colleague@example.org"
NEW_PASSWORD = "a-long-pass-phrase-42"
WORKSPACE_NAME = "Ошская группа мониторинга"


@pytest.fixture
def organisation(transactional_db):
    return OrganisationFactory(name="Центр «Мээрим»", verified=True)


@pytest.fixture
def owner(organisation):
    return UserFactory(
        email="owner@example.org",
        first_name="Алия",
        last_name="Токтогулова",
        organisation=organisation,
    )


@pytest.fixture
def workspace(owner):
    return make_workspace(
        owner=owner, slug="osh-monitoring", name=WORKSPACE_NAME, visibility="network"
    )


def mailed_link(to, pattern):
    (message,) = [m for m in mail.outbox if m.to == [to]]
    return message, re.search(rf"https?://\S+{pattern}", message.body).group(0)


def post_of(page, url_prefix):
    """Waits for the browser's own POST to ``url_prefix`` (use as a context)."""
    return page.expect_response(
        lambda response: response.request.method == "POST" and response.url.startswith(url_prefix)
    )


def assert_posted_with_a_real_origin(posted, base):
    response = posted.value
    # "null" here is the referrer-policy defect: Django answers 403.
    assert response.request.header_value("origin") == base
    assert response.status == 302, response.status


def test_invited_newcomer_opens_the_mailed_link_and_lands_in_the_workspace(
    journey, workspace, owner
):
    page, base = journey.page, journey.base
    sign_in(page, base, owner.email)
    # Members land on their workspaces, not on the public home.
    assert page.url == f"{base}/workspaces/"
    journey.check("owner-my-workspaces")

    page.locator(f"main a[href='{workspace.get_absolute_url()}']").first.click()
    page.wait_for_url(f"**{workspace.get_absolute_url()}")
    journey.check("owner-workspace")
    page.locator(f"main a[href='/workspaces/{workspace.slug}/members/']").first.click()
    page.wait_for_url(f"**/workspaces/{workspace.slug}/members/")
    journey.check("members")
    page.locator(f"main a[href='/workspaces/{workspace.slug}/invitations/new/']").click()
    journey.check("invitation-form")
    page.fill("input[name=email]", INVITED)
    page.select_option("select[name=role]", "member")
    page.locator("form.narrow button[type=submit]").click()
    page.wait_for_url(f"**/workspaces/{workspace.slug}/members/")
    assert INVITED in page.locator("main").inner_text()
    journey.check("invited")
    assert Invitation.objects.get(workspace=workspace).email == INVITED

    # The mail says who invites, from which NGO, and links to the portal's
    # own address (whatever port it runs on).
    message, link = mailed_link(INVITED, r"/workspaces/invitations/[^/\s]+/")
    assert link.startswith(f"{base}/workspaces/invitations/")
    body = " ".join(message.body.split())
    assert "Алия Токтогулова" in body and "Центр «Мээрим»" in body and WORKSPACE_NAME in body
    assert "Алия Токтогулова" in message.subject
    assert owner.email not in message.body

    # The invited person: another browser session, the link from the mail.
    page.context.clear_cookies()
    response = page.goto(link)
    assert response.headers["referrer-policy"] == "same-origin"
    assert INVITED in page.locator("main").inner_text()
    journey.check("signup")
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    with post_of(page, link) as posted:
        page.locator("form:has(input[name=password1]) button[type=submit]").click()
    assert_posted_with_a_real_origin(posted, base)

    page.wait_for_url(f"**/workspaces/{workspace.slug}/")
    assert "Добро пожаловать" in page.locator("body").inner_text()
    journey.check("newcomer-workspace")
    newcomer = Membership.objects.get(workspace=workspace, user__email=INVITED)
    assert newcomer.role == "member"
    assert EmailAddress.objects.get(email=INVITED).verified


def test_existing_account_signs_in_from_the_mailed_link_and_accepts(
    journey, workspace, owner, organisation, settings
):
    page, base = journey.page, journey.base
    colleague = UserFactory(
        email="aigul@example.org",
        first_name="Айгуль",
        last_name="Маматова",
        organisation=organisation,
    )
    # Sent outside a request (as a queued mail would be): PORTAL_BASE_URL.
    settings.PORTAL_BASE_URL = base
    invitations.invite(workspace, colleague.email, "observer", actor=owner)
    _message, link = mailed_link(colleague.email, r"/workspaces/invitations/[^/\s]+/")
    assert link.startswith(f"{base}/workspaces/invitations/")

    response = page.goto(link)
    assert response.headers["referrer-policy"] == "same-origin"
    journey.check("asked-to-sign-in")
    page.locator("main a.button[href^='/accounts/login/']").click()
    page.wait_for_url("**/accounts/login/**")
    journey.check("sign-in")
    page.fill("input[name=login]", colleague.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    # "next" wins over the landing: back on the invitation.
    page.wait_for_url(link)
    journey.check("accept")
    with post_of(page, link) as posted:
        page.locator("main form button[type=submit]").click()
    assert_posted_with_a_real_origin(posted, base)
    page.wait_for_url(f"**/workspaces/{workspace.slug}/")
    assert "Добро пожаловать" in page.locator("body").inner_text()
    journey.check("joined")
    assert Membership.objects.get(workspace=workspace, user=colleague).role == "observer"

    page.locator("a[href='/workspaces/']").first.click()
    page.wait_for_url(f"{base}/workspaces/")
    assert WORKSPACE_NAME in page.locator("main").inner_text()
    journey.check("my-workspaces")


def test_a_person_asks_to_join_and_a_manager_approves(journey, workspace, organisation):
    page, base = journey.page, journey.base
    manager = add_member(
        workspace,
        UserFactory(
            email="manager@example.org",
            first_name="Бакыт",
            last_name="Осмонов",
            organisation=organisation,
        ),
        "manager",
    )
    asker = UserFactory(
        email="dilnoza@example.org",
        first_name="Дилноза",
        last_name="Каримова",
        organisation=OrganisationFactory(name="Андижанский приют", verified=True),
    )

    # The asker has no workspace yet: My workspaces says how to get one.
    sign_in(page, base, asker.email)
    assert page.url == f"{base}/workspaces/"
    journey.check("asker-no-workspace")
    page.locator("main a[href='/workspaces/network/']").click()
    page.wait_for_url("**/workspaces/network/")
    journey.check("directory")
    page.locator(f"main a[href='/workspaces/network/{workspace.slug}/join/']").click()
    journey.check("join-form")
    page.fill("textarea[name=message]", "Мы ведём мониторинг в Оше, хотим работать вместе.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/workspaces/network/")
    journey.check("asked")
    assert JoinRequest.objects.pending().filter(workspace=workspace, user=asker).exists()

    # The manager, in another session: the overview says someone asks.
    page.context.clear_cookies()
    sign_in(page, base, manager.email)
    assert page.url == f"{base}/workspaces/"
    journey.check("manager-my-workspaces")
    page.locator(f"main a[href='{workspace.get_absolute_url()}']").first.click()
    page.wait_for_url(f"**{workspace.get_absolute_url()}")
    journey.check("manager-workspace")
    page.locator("main a[href$='#join-requests']").click()
    page.wait_for_url("**/members/*")
    assert "Дилноза Каримова" in page.locator("#join-requests").inner_text()
    journey.check("join-requests")
    page.locator("#join-requests button[value=approve]").click()
    page.wait_for_load_state()
    journey.check("approved")
    assert Membership.objects.get(workspace=workspace, user=asker).role == "member"

    # The asker follows the mailed answer: signed out, the link asks for a
    # sign-in and then opens the workspace ("next" wins over the landing).
    _message, link = mailed_link(asker.email, rf"/workspaces/{workspace.slug}/")
    assert link.startswith(base)
    page.context.clear_cookies()
    page.goto(link)
    page.wait_for_url("**/accounts/login/**")
    journey.check("asker-sign-in")
    page.fill("input[name=login]", asker.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(link)
    journey.check("asker-workspace")


def test_a_stolen_link_is_refused_for_an_account_with_the_address_unconfirmed(journey, workspace):
    page, base = journey.page, journey.base
    attacker = UserFactory(email="attacker@example.org", first_name="Иван", last_name="Петров")
    EmailAddress.objects.create(user=attacker, email=INVITED, verified=False)
    _invitation, token = make_invitation(workspace, INVITED)
    link = f"{base}/workspaces/invitations/{token}/"

    sign_in(page, base, attacker.email)
    with journey.expecting(403, "/workspaces/invitations/"):
        response = page.goto(link)
    assert response.status == 403
    assert response.headers["referrer-policy"] == "same-origin"
    assert page.locator("h1").inner_text() == "Это приглашение отправлено на другой адрес"
    # It says how to go on: confirm the address, or sign in with it.
    assert page.locator("main a[href='/accounts/email/']").count() == 1
    journey.check("refused")
    assert not Membership.objects.filter(workspace=workspace, user=attacker).exists()
    assert not EmailAddress.objects.get(user=attacker, email=INVITED).verified

    # Signing out from the page works (its forms post with a real Origin)
    # and brings the link back for the rightful person.
    with post_of(page, f"{base}/accounts/logout/") as posted:
        page.locator("main form button[type=submit]").click()
    assert_posted_with_a_real_origin(posted, base)
    page.wait_for_url(f"**/workspaces/invitations/{token}/")
    assert page.locator("input[name=password1]").count() == 1
    journey.check("signed-out")
    assert Invitation.objects.get().is_pending
