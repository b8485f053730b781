"""Network members see the names of workspaces open to the network and ask to
join; managers approve or decline; private workspaces stay invisible."""

import pytest
from django.core import mail
from django.urls import reverse

from portal.members import audit
from portal.members.invitations import accept
from portal.members.models import AuditEvent, JoinRequest, Membership
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    make_invitation,
    make_join_request,
    make_workspace,
)

pytestmark = pytest.mark.django_db

DIRECTORY = "/workspaces/network/"


@pytest.fixture
def open_workspace(workspace):
    workspace.visibility = "network"
    workspace.description = "Members-only description"
    workspace.save()
    return workspace


@pytest.fixture
def asker():
    return UserFactory(email="asker@example.org", organisation=OrganisationFactory(verified=True))


def join_url(workspace):
    return reverse("members:join_request_create", kwargs={"slug": workspace.slug})


def decide_url(join_request):
    return reverse(
        "members:join_request_decide",
        kwargs={"slug": join_request.workspace.slug, "request_id": join_request.pk},
    )


def test_directory_lists_network_workspaces_by_name_only(open_workspace, asker, as_user):
    make_workspace(slug="private-one", name="Private one")
    archived = make_workspace(slug="old-one", name="Old one", visibility="network")
    archived.archived_at = archived.created_at
    archived.save()
    body = as_user(asker).get(DIRECTORY).content.decode()
    assert "Osh monitoring" in body
    assert "Members-only description" not in body
    assert "Private one" not in body
    assert "Old one" not in body


def test_people_outside_the_network_cannot_see_the_directory(open_workspace, roles, as_user):
    response = as_user(roles["outsider"]).get(DIRECTORY)
    assert response.status_code == 403
    assert "verified member organisations" in response.content.decode()
    unverified = UserFactory(organisation=OrganisationFactory(verified=False))
    assert as_user(unverified).get(DIRECTORY).status_code == 403


def test_a_private_workspace_cannot_be_asked_to_join_and_looks_missing(workspace, asker, as_user):
    client = as_user(asker)
    assert client.get(join_url(workspace)).status_code == 404
    assert client.post(join_url(workspace), {"message": "hi"}).status_code == 404
    assert not JoinRequest.objects.exists()


def test_asking_to_join_creates_one_pending_request(open_workspace, asker, as_user):
    client = as_user(asker)
    assert client.get(join_url(open_workspace)).status_code == 200
    response = client.post(join_url(open_workspace), {"message": "We receive returnees from Osh."})
    assert response.status_code == 302
    client.post(join_url(open_workspace), {"message": "Again"})
    join_request = JoinRequest.objects.get()
    assert (join_request.user, join_request.status) == (asker, "pending")
    assert join_request.message == "We receive returnees from Osh."
    assert AuditEvent.objects.filter(action=audit.JOIN_REQUESTED, workspace=open_workspace).exists()
    assert "Request sent" in client.get(DIRECTORY).content.decode()
    assert "Osh monitoring" in client.get("/workspaces/").content.decode()


def test_a_member_following_a_join_link_goes_to_the_workspace(open_workspace, roles, as_user):
    response = as_user(roles["member"]).get(join_url(open_workspace))
    assert response.status_code == 302
    assert response.url == open_workspace.get_absolute_url()


def test_manager_approves_with_a_role_and_the_person_is_told(open_workspace, roles, asker, as_user):
    join_request = make_join_request(open_workspace, asker, "Please")
    client = as_user(roles["manager"])
    page = client.get(reverse("members:member_list", kwargs={"slug": open_workspace.slug}))
    assert list(page.context["join_requests"]) == [join_request]
    overview = client.get(open_workspace.get_absolute_url())
    assert overview.context["pending_requests"] == 1

    client.post(decide_url(join_request), {"decision": "approve", "role": "observer"})
    assert Membership.objects.get(workspace=open_workspace, user=asker).role == "observer"
    join_request.refresh_from_db()
    assert (join_request.status, join_request.decided_by) == ("approved", roles["manager"])
    assert AuditEvent.objects.filter(action=audit.JOIN_APPROVED, workspace=open_workspace).exists()
    (message,) = mail.outbox
    assert message.to == [asker.email]
    assert "Osh monitoring" in message.body
    assert open_workspace.get_absolute_url() in message.body


def test_declined_person_is_told_and_gets_no_access(open_workspace, roles, asker, as_user):
    join_request = make_join_request(open_workspace, asker)
    as_user(roles["manager"]).post(decide_url(join_request), {"decision": "decline"})
    assert not Membership.objects.filter(workspace=open_workspace, user=asker).exists()
    assert JoinRequest.objects.get().status == "declined"
    assert "not approved" in mail.outbox[0].body
    assert as_user(asker).get(open_workspace.get_absolute_url()).status_code == 404


def test_a_request_is_answered_once(open_workspace, roles, asker, as_user):
    join_request = make_join_request(open_workspace, asker)
    client = as_user(roles["manager"])
    client.post(decide_url(join_request), {"decision": "decline"})
    response = client.post(
        decide_url(join_request), {"decision": "approve", "role": "member"}, follow=True
    )
    assert "already answered" in response.content.decode()
    assert not Membership.objects.filter(workspace=open_workspace, user=asker).exists()


def test_managers_cannot_let_someone_in_as_manager(open_workspace, roles, asker, as_user):
    join_request = make_join_request(open_workspace, asker)
    as_user(roles["manager"]).post(
        decide_url(join_request), {"decision": "approve", "role": "manager"}
    )
    assert not Membership.objects.filter(workspace=open_workspace, user=asker).exists()
    assert JoinRequest.objects.get().status == "pending"


def test_accepting_an_invitation_closes_a_pending_request(open_workspace, asker):
    make_join_request(open_workspace, asker)
    invitation, _token = make_invitation(open_workspace, asker.email)
    accept(invitation, asker)
    assert JoinRequest.objects.get().status == "approved"
