"""An invitation link stops working once its purpose is gone: when the person
joined another way, and when they are removed or leave. A removed member must
not be able to walk back in through an old link."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from portal.members import audit
from portal.members.invitations import InvitationError, accept
from portal.members.joining import decide
from portal.members.models import AuditEvent, Invitation, Membership
from portal.members.permissions import remove_membership
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    add_member,
    make_invitation,
    make_join_request,
)

pytestmark = pytest.mark.django_db
User = get_user_model()


def accept_url(token):
    return reverse("members:invitation_accept", kwargs={"token": token})


def remove_url(workspace, user):
    return reverse("members:member_remove", kwargs={"slug": workspace.slug, "user_id": user.pk})


@pytest.fixture
def person():
    return UserFactory(email="x.person@example.org", organisation=OrganisationFactory())


def test_removed_member_cannot_rejoin_through_an_invitation_sent_before_they_joined(
    workspace, roles, person, as_user
):
    workspace.visibility = "network"
    workspace.save()
    _invitation, token = make_invitation(workspace, person.email, "member")
    # They joined by asking instead of following the link…
    decide(make_join_request(workspace, person), approve=True, actor=roles["manager"])
    assert Membership.objects.filter(workspace=workspace, user=person).exists()
    # …and were later removed by the owner.
    assert as_user(roles["owner"]).post(remove_url(workspace, person)).status_code == 302

    client = as_user(person)
    page = client.get(accept_url(token))
    assert page.status_code == 410
    assert "no longer valid" in page.content.decode()
    client.post(accept_url(token))
    assert not Membership.objects.filter(workspace=workspace, user=person).exists()


def test_joining_another_way_closes_the_open_invitation_with_a_recorded_reason(
    workspace, roles, person
):
    invitation, _token = make_invitation(workspace, person.email, "observer")
    add_member(workspace, person, "manager")
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    event = AuditEvent.objects.get(action=audit.INVITATION_REVOKED, target_id=str(invitation.pk))
    assert event.details == {"reason": "joined"}
    with pytest.raises(InvitationError):
        accept(invitation, person)
    assert Membership.objects.get(workspace=workspace, user=person).role == "manager"


def test_an_invitation_to_a_second_address_is_revoked_when_the_member_is_removed(
    workspace, roles, person, as_user
):
    add_member(workspace, person, "member")
    EmailAddress.objects.create(user=person, email="x.work@example.org", verified=True)
    # The person is listed under their login address, so the second one can still be invited.
    invitation, token = make_invitation(workspace, "X.Work@example.org", "manager")
    remove_membership(workspace, person, actor=roles["owner"])

    invitation.refresh_from_db()
    assert (invitation.revoked_by, invitation.accepted_at) == (roles["owner"], None)
    event = AuditEvent.objects.get(action=audit.INVITATION_REVOKED, target_id=str(invitation.pk))
    assert event.details == {"reason": "removed"}
    assert as_user(person).post(accept_url(token)).status_code == 410
    assert not Membership.objects.filter(workspace=workspace, user=person).exists()


def test_a_member_who_leaves_cannot_come_back_through_an_old_link(
    workspace, roles, person, as_user
):
    add_member(workspace, person, "member")
    EmailAddress.objects.create(user=person, email="x.home@example.org", verified=False)
    _invitation, token = make_invitation(workspace, "x.home@example.org", "member")
    client = as_user(person)
    client.post(reverse("members:workspace_leave", kwargs={"slug": workspace.slug}))
    assert not Membership.objects.filter(workspace=workspace, user=person).exists()
    assert client.get(accept_url(token)).status_code == 410
    client.post(accept_url(token))
    assert not Membership.objects.filter(workspace=workspace, user=person).exists()


def test_joining_does_not_cancel_an_invitation_to_an_address_the_person_never_proved(
    workspace, roles, person
):
    # Anyone can type a stranger's address into their account unverified.
    EmailAddress.objects.create(user=person, email="stranger@example.org", verified=False)
    invitation, _token = make_invitation(workspace, "stranger@example.org", "member")
    add_member(workspace, person, "member")
    invitation.refresh_from_db()
    assert invitation.is_pending


def test_accepting_an_invitation_closes_the_others_to_the_same_person(workspace, person):
    EmailAddress.objects.create(user=person, email="x.work@example.org", verified=True)
    first, _ = make_invitation(workspace, person.email, "member")
    second, _ = make_invitation(workspace, "x.work@example.org", "observer")
    accept(first, person)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.accepted_by == person and first.revoked_at is None
    assert second.revoked_at is not None
    assert Invitation.objects.filter(workspace=workspace).open().count() == 0


# --- Archived workspaces --------------------------------------------------------


@pytest.fixture
def archived_invitation(workspace, roles):
    from portal.members.lifecycle import archive_workspace

    invitation, token = make_invitation(workspace, "x.person@example.org", "member")
    archive_workspace(workspace, actor=roles["staff"])
    return invitation, token


def test_an_existing_account_cannot_join_an_archived_workspace(
    workspace, person, archived_invitation, as_user
):
    invitation, token = archived_invitation
    client = as_user(person)
    page = client.get(accept_url(token))
    assert page.status_code == 403
    assert "This workspace is archived" in page.content.decode()
    response = client.post(accept_url(token))
    assert response.status_code == 403
    assert not Membership.objects.filter(workspace=workspace, user=person).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    with pytest.raises(InvitationError, match="archived"):
        accept(invitation, person)


def test_a_new_person_cannot_sign_up_into_an_archived_workspace(
    workspace, archived_invitation, client
):
    _invitation, token = archived_invitation
    password = "a-long-pass-phrase-42"
    response = client.post(accept_url(token), {"password1": password, "password2": password})
    assert response.status_code == 403
    assert "does not take new members" in response.content.decode()
    assert not User.objects.filter(email="x.person@example.org").exists()
    assert not AuditEvent.objects.filter(action=audit.INVITATION_ACCEPTED).exists()


def test_the_link_works_again_once_the_workspace_is_restored(
    workspace, roles, person, archived_invitation, as_user
):
    from portal.members.lifecycle import restore_workspace

    _invitation, token = archived_invitation
    restore_workspace(workspace, actor=roles["staff"])
    assert as_user(person).post(accept_url(token)).status_code == 302
    assert Membership.objects.get(workspace=workspace, user=person).role == "member"
