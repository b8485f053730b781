"""Invitations: sent by managers, accepted once through allauth signup (even
with signup closed) or by an existing account; dead links explain themselves."""

import hashlib
import re
from datetime import timedelta
from smtplib import SMTPException

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from portal.members import audit
from portal.members.invitations import accept
from portal.members.models import AuditEvent, Invitation, Membership
from portal.members.pending import revoke
from tests.factories import UserFactory, add_member, make_invitation

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "a-long-pass-phrase-42"


def invite_url(workspace):
    return reverse("members:invitation_create", kwargs={"slug": workspace.slug})


def link_in(message):
    return re.search(r"https?://[^/\s]+(/workspaces/invitations/[^/\s]+/)", message.body).group(1)


def send(as_user, workspace, sender, email="new.person@example.org", role="member"):
    return as_user(sender).post(invite_url(workspace), {"email": email, "role": role})


def test_manager_invites_and_the_mail_holds_only_the_workspace_name_and_a_link(
    workspace, roles, as_user
):
    response = send(as_user, workspace, roles["manager"])
    assert response.status_code == 302
    invitation = Invitation.objects.get(workspace=workspace)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "new.person@example.org",
        "member",
        roles["manager"],
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.org"]
    assert "Osh monitoring" in message.subject
    token = link_in(message).rstrip("/").rsplit("/", 1)[1]
    # Only the hash is stored; the token exists in the mail alone.
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert token not in str(list(AuditEvent.objects.values_list("details", "target_repr")))
    assert roles["manager"].email not in message.body
    assert AuditEvent.objects.filter(action=audit.INVITATION_SENT, workspace=workspace).exists()


def test_a_new_person_signs_up_through_the_link_with_signup_closed(
    workspace, roles, client, settings
):
    assert settings.PORTAL_OPEN_SIGNUP is False
    _invitation, token = make_invitation(workspace, "new.person@example.org", "observer")
    link = reverse("members:invitation_accept", kwargs={"token": token})

    page = client.get(link)
    assert page.status_code == 200
    assert "new.person@example.org" in page.content.decode()
    # same-origin: the token stays off other sites, and forms still post
    # (no-referrer makes browsers send "Origin: null", which CSRF refuses).
    assert page["Referrer-Policy"] == "same-origin"

    response = client.post(
        link,
        # A changed address in the form is ignored: the account is for the invited one.
        {"email": "someone.else@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == f"/workspaces/{workspace.slug}/"
    user = User.objects.get(email="new.person@example.org")
    assert not User.objects.filter(email="someone.else@example.org").exists()
    assert EmailAddress.objects.get(user=user, email="new.person@example.org").verified
    assert client.session["_auth_user_id"] == str(user.pk)
    assert Membership.objects.get(workspace=workspace, user=user).role == "observer"
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == user and invitation.accepted_at is not None
    # The address is verified by the link itself: no confirmation mail.
    assert mail.outbox == []
    assert set(
        AuditEvent.objects.filter(
            workspace=workspace, target_id__in=[str(user.pk), str(invitation.pk)]
        ).values_list("action", flat=True)
    ) >= {audit.MEMBERSHIP_ADDED, audit.INVITATION_ACCEPTED}
    assert client.get(response.url).status_code == 200


def test_signup_errors_are_shown_and_nothing_is_created(workspace, client):
    _invitation, token = make_invitation(workspace, "new.person@example.org")
    link = reverse("members:invitation_accept", kwargs={"token": token})
    response = client.post(link, {"password1": PASSWORD, "password2": "different-pass-phrase"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not User.objects.filter(email="new.person@example.org").exists()
    assert Invitation.objects.get().is_pending


def test_the_link_works_only_once(workspace, client):
    _invitation, token = make_invitation(workspace, "new.person@example.org")
    link = reverse("members:invitation_accept", kwargs={"token": token})
    client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_existing_account_signed_in_with_the_address_joins_in_one_click(workspace, roles, as_user):
    person = UserFactory(email="known@example.org")
    _invitation, token = make_invitation(workspace, "Known@Example.org", "member")
    client = as_user(person)
    link = reverse("members:invitation_accept", kwargs={"token": token})
    assert "Join" in client.get(link).content.decode()
    response = client.post(link)
    assert response.status_code == 302
    assert Membership.objects.get(workspace=workspace, user=person).role == "member"


def test_an_unverified_second_address_neither_accepts_nor_gets_verified(workspace, as_user):
    # Anyone can type any address into their account: holding the link and an
    # unconfirmed address proves nothing (tests/members/test_invitation_binding.py).
    person = UserFactory(email="main@example.org")
    EmailAddress.objects.create(user=person, email="work@example.org", verified=False)
    _invitation, token = make_invitation(workspace, "work@example.org")
    as_user(person).post(reverse("members:invitation_accept", kwargs={"token": token}))
    assert not Membership.objects.filter(workspace=workspace, user=person).exists()
    assert not EmailAddress.objects.get(user=person, email="work@example.org").verified


def test_an_account_with_the_address_is_asked_to_sign_in_first(workspace, client):
    UserFactory(email="known@example.org")
    _invitation, token = make_invitation(workspace, "known@example.org")
    link = reverse("members:invitation_accept", kwargs={"token": token})
    response = client.get(link)
    assert response.status_code == 200
    assert f"/accounts/login/?next={link}" in response.content.decode().replace("%2F", "/")
    assert response.context.get("form") is None


def test_signed_in_as_someone_else_cannot_accept(workspace, roles, as_user):
    _invitation, token = make_invitation(workspace, "invitee@example.org")
    link = reverse("members:invitation_accept", kwargs={"token": token})
    client = as_user(roles["outsider"])
    response = client.get(link)
    assert response.status_code == 403
    assert "another address" in response.content.decode()
    client.post(link)
    assert not Membership.objects.filter(workspace=workspace, user=roles["outsider"]).exists()
    assert Invitation.objects.get().is_pending


@pytest.mark.parametrize(
    ("state", "status", "says"),
    [
        ("expired", 410, "has expired"),
        ("revoked", 410, "no longer valid"),
        ("accepted", 410, "already been used"),
        ("unknown", 404, "do not recognise"),
    ],
)
def test_dead_links_get_a_clear_page(workspace, roles, client, state, status, says):
    invitation, token = make_invitation(workspace, "invitee@example.org")
    if state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    elif state == "revoked":
        revoke(invitation, actor=roles["owner"])
    elif state == "accepted":
        accept(invitation, UserFactory(email="invitee@example.org"))
    elif state == "unknown":
        token = "x" * 43
    response = client.get(reverse("members:invitation_accept", kwargs={"token": token}))
    assert response.status_code == status
    assert says in response.content.decode()
    # Posting to a dead link does not sign anyone up either.
    client.post(
        reverse("members:invitation_accept", kwargs={"token": token}),
        {"password1": PASSWORD, "password2": PASSWORD},
    )
    assert User.objects.filter(email="invitee@example.org").count() == (
        1 if state == "accepted" else 0
    )


def test_a_very_long_or_odd_token_is_a_404_not_an_error(client):
    response = client.get("/workspaces/invitations/" + "%E2%98%83" * 150 + "/")
    assert response.status_code == 404


def test_inviting_again_replaces_the_old_link(workspace, roles, as_user):
    first, first_token = make_invitation(workspace, "invitee@example.org")
    send(as_user, workspace, roles["manager"], email="invitee@example.org")
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert Invitation.objects.filter(workspace=workspace).pending().count() == 1
    old = as_user(roles["outsider"]).get(
        reverse("members:invitation_accept", kwargs={"token": first_token})
    )
    assert old.status_code == 410


def test_resend_mails_a_new_link_and_kills_the_old_one(workspace, roles, as_user):
    invitation, old_token = make_invitation(workspace, "invitee@example.org")
    client = as_user(roles["manager"])
    client.post(
        reverse(
            "members:invitation_resend",
            kwargs={"slug": workspace.slug, "invitation_id": invitation.pk},
        )
    )
    assert len(mail.outbox) == 1
    new_link = link_in(mail.outbox[0])
    client.logout()
    assert (
        client.get(reverse("members:invitation_accept", kwargs={"token": old_token})).status_code
        == 410
    )
    assert client.get(new_link).status_code == 200


def test_revoked_invitation_leaves_the_open_list(workspace, roles, as_user):
    invitation, _token = make_invitation(workspace, "invitee@example.org")
    client = as_user(roles["manager"])
    client.post(
        reverse(
            "members:invitation_revoke",
            kwargs={"slug": workspace.slug, "invitation_id": invitation.pk},
        )
    )
    invitation.refresh_from_db()
    assert invitation.revoked_by == roles["manager"]
    members_page = client.get(reverse("members:member_list", kwargs={"slug": workspace.slug}))
    assert list(members_page.context["invitations"]) == []
    assert AuditEvent.objects.filter(
        action=audit.INVITATION_REVOKED, target_id=str(invitation.pk)
    ).exists()


def test_managers_invite_members_and_observers_owners_also_managers(workspace, roles, as_user):
    response = send(as_user, workspace, roles["manager"], role="manager")
    assert response.status_code == 400
    assert not Invitation.objects.exists()
    assert send(as_user, workspace, roles["owner"], role="manager").status_code == 302
    assert Invitation.objects.get().role == "manager"


def test_inviting_a_member_says_they_are_already_in(workspace, roles, as_user):
    response = send(as_user, workspace, roles["owner"], email=roles["member"].email.upper())
    assert response.status_code == 400
    assert "already a member" in response.content.decode()
    assert mail.outbox == []


def test_an_invalid_address_keeps_the_form_and_says_so(workspace, roles, as_user):
    response = send(as_user, workspace, roles["owner"], email="not-an-address")
    assert response.status_code == 400
    assert "not-an-address" in response.content.decode()
    assert response.context["form"].errors["email"]


def test_an_address_longer_than_the_column_is_a_form_error_not_a_crash(workspace, roles, as_user):
    address = "a" * 64 + "@" + ".".join(["b" * 60] * 3) + ".example.org"
    assert len(address) > 254
    response = send(as_user, workspace, roles["owner"], email=address)
    assert response.status_code == 400
    assert response.context["form"].errors["email"]
    assert not Invitation.objects.exists()
    assert mail.outbox == []


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise SMTPException("mail server down")


@override_settings(EMAIL_BACKEND="tests.members.test_invitations.FailingBackend")
def test_when_mail_fails_the_invitation_is_kept_and_the_manager_told(workspace, roles, as_user):
    response = send(as_user, workspace, roles["owner"])
    assert response.status_code == 302
    assert Invitation.objects.filter(workspace=workspace).pending().exists()
    page = as_user(roles["owner"]).get(response.url)
    assert "could not be sent" in page.content.decode()


def test_accepting_keeps_a_higher_role_the_person_already_has(workspace, roles):
    person = UserFactory(email="invitee@example.org")
    add_member(workspace, person, "manager")
    EmailAddress.objects.create(user=person, email="invitee.work@example.org", verified=True)
    # Listed under their login address, so their second address can still be invited.
    invitation, _token = make_invitation(workspace, "invitee.work@example.org", "observer")
    accept(invitation, person)
    assert Membership.objects.get(workspace=workspace, user=person).role == "manager"
    invitation.refresh_from_db()
    assert invitation.accepted_by == person
