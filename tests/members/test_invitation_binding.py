"""An invitation binds to its address (issue 10, deliverable 4), tried from the
attacker's side: whoever holds the link (forwarded, leaked, read over a
shoulder) and adds the invited address to their own account must neither join
nor end up with that address verified. Only an account that proved the
address, or a new account made from the link, may accept."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from portal.members import audit, invitations
from portal.members.models import AuditEvent, Invitation, Membership
from tests.factories import UserFactory, make_invitation

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "a-long-pass-phrase-42"
INVITED = "invitee@example.org"


def link_for(token):
    return reverse("members:invitation_accept", kwargs={"token": token})


@pytest.fixture
def attacker():
    """Signed in with their own, verified login; holds the stolen link."""
    return UserFactory(email="attacker@example.org")


@pytest.mark.parametrize("claimed", [INVITED, "Invitee@Example.ORG", " INVITEE@example.org"])
def test_link_holder_with_the_address_unverified_on_their_account_cannot_accept(
    workspace, attacker, as_user, claimed
):
    EmailAddress.objects.create(user=attacker, email=claimed.strip(), verified=False)
    _invitation, token = make_invitation(workspace, INVITED)
    client = as_user(attacker)

    page = client.get(link_for(token))
    assert page.status_code == 403
    body = page.content.decode()
    assert "not confirmed it yet" in body and "Sign out" in body
    refused = client.post(link_for(token))
    assert refused.status_code == 403

    assert not Membership.objects.filter(workspace=workspace, user=attacker).exists()
    assert not EmailAddress.objects.get(user=attacker, email__iexact=INVITED).verified
    assert Invitation.objects.get().is_pending
    assert not AuditEvent.objects.filter(action=audit.INVITATION_ACCEPTED).exists()


def test_the_service_refuses_an_unverified_address_whoever_calls_it(workspace, attacker):
    EmailAddress.objects.create(user=attacker, email=INVITED, verified=False)
    invitation, _token = make_invitation(workspace, INVITED)
    with pytest.raises(invitations.InvitationError):
        invitations.accept(invitation, attacker)
    assert not EmailAddress.objects.get(user=attacker, email=INVITED).verified
    assert not Membership.objects.filter(workspace=workspace, user=attacker).exists()


def test_a_login_address_allauth_holds_as_unverified_does_not_count(workspace, as_user):
    """An account whose login was set to the invited address without confirming it."""
    person = UserFactory(email=INVITED, verified=False)
    EmailAddress.objects.create(user=person, email=INVITED, verified=False, primary=True)
    _invitation, token = make_invitation(workspace, INVITED)
    response = as_user(person).post(link_for(token))
    assert response.status_code == 403
    assert not Membership.objects.filter(workspace=workspace, user=person).exists()
    assert not EmailAddress.objects.get(user=person).verified


def test_a_stolen_link_opened_while_signed_in_as_another_account_is_refused(
    workspace, attacker, as_user
):
    _invitation, token = make_invitation(workspace, INVITED)
    client = as_user(attacker)
    page = client.get(link_for(token))
    assert page.status_code == 403
    assert "another address" in page.content.decode()
    assert client.post(link_for(token)).status_code == 403
    assert not Membership.objects.filter(workspace=workspace, user=attacker).exists()
    assert not EmailAddress.objects.filter(user=attacker, email__iexact=INVITED).exists()
    assert Invitation.objects.get().is_pending


@pytest.mark.parametrize("sent_to", ["work@example.org", "Work@Example.org", "WORK@EXAMPLE.ORG"])
def test_a_verified_second_address_accepts_in_any_letter_case(workspace, as_user, sent_to):
    person = UserFactory(email="main@example.org")
    EmailAddress.objects.create(user=person, email="work@example.org", verified=True)
    _invitation, token = make_invitation(workspace, sent_to, "observer")
    response = as_user(person).post(link_for(token))
    assert response.status_code == 302
    assert Membership.objects.get(workspace=workspace, user=person).role == "observer"


def test_the_login_address_in_another_letter_case_accepts(workspace, as_user):
    person = UserFactory(email="known@example.org")
    _invitation, token = make_invitation(workspace, "KNOWN@example.org")
    assert as_user(person).post(link_for(token)).status_code == 302
    assert Membership.objects.filter(workspace=workspace, user=person).exists()


def test_accepting_never_verifies_an_address_of_an_existing_account(workspace, as_user):
    """The verified address accepts; the unverified one beside it stays as it was."""
    person = UserFactory(email="main@example.org")
    EmailAddress.objects.create(user=person, email="other@example.org", verified=False)
    _invitation, token = make_invitation(workspace, "main@example.org")
    as_user(person).post(link_for(token))
    assert Membership.objects.filter(workspace=workspace, user=person).exists()
    assert not EmailAddress.objects.get(user=person, email="other@example.org").verified


def test_a_new_account_made_from_the_link_gets_the_address_verified(workspace, client):
    _invitation, token = make_invitation(workspace, "New.Person@example.org", "member")
    response = client.post(link_for(token), {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(email__iexact="new.person@example.org")
    assert EmailAddress.objects.get(user=user).verified
    assert Membership.objects.get(workspace=workspace, user=user).role == "member"


def test_the_real_invitee_still_signs_up_when_an_attacker_claimed_the_address_unverified(
    workspace, attacker, client
):
    """A squatted, unconfirmed address must not lock the invited person out."""
    EmailAddress.objects.create(user=attacker, email=INVITED, verified=False)
    _invitation, token = make_invitation(workspace, INVITED)
    page = client.get(link_for(token))
    assert page.status_code == 200
    assert page.context.get("form") is not None
    client.post(link_for(token), {"password1": PASSWORD, "password2": PASSWORD})
    invitee = User.objects.get(email=INVITED)
    assert Membership.objects.filter(workspace=workspace, user=invitee).exists()
    assert not Membership.objects.filter(workspace=workspace, user=attacker).exists()
    assert EmailAddress.objects.get(user=invitee, email=INVITED).verified


def test_the_invitation_pages_keep_the_token_on_this_site_yet_let_forms_post(workspace, client):
    """same-origin, not no-referrer: with no-referrer browsers post "Origin: null"
    and Django's CSRF check refuses the signup."""
    _invitation, token = make_invitation(workspace, INVITED)
    assert client.get(link_for(token))["Referrer-Policy"] == "same-origin"
