"""Joining and inviting limits (issue 10, deliverable 7): a stolen or careless
account must not mail strangers in the portal's name or flood managers with
requests. Past the limit the person gets a clear message, HTTP 429 with
Retry-After, the form as they typed it, and nothing is saved or sent."""

import pytest
from django.core import mail
from django.urls import reverse

from portal.members.models import Invitation, JoinRequest
from tests.factories import UserFactory, make_invitation, make_workspace

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    def set_limit(action, rate):
        settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, action: rate}

    return set_limit


def invite(client, workspace, email, role="member"):
    return client.post(
        reverse("members:invitation_create", kwargs={"slug": workspace.slug}),
        {"email": email, "role": role},
    )


def test_default_limits_are_configured(settings):
    assert settings.PORTAL_RATE_LIMITS["workspace.invite"]
    assert settings.PORTAL_RATE_LIMITS["workspace.join_request"]


def test_a_manager_past_the_invitation_limit_gets_429_and_nothing_is_sent(
    workspace, roles, as_user, limits
):
    limits("workspace.invite", "2/h")
    client = as_user(roles["manager"])
    assert invite(client, workspace, "one@example.org").status_code == 302
    assert invite(client, workspace, "two@example.org").status_code == 302

    refused = invite(client, workspace, "three@example.org", role="observer")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    body = refused.content.decode()
    assert "many invitations in a short time" in body and "Nothing was sent" in body
    # The form comes back as typed.
    assert refused.context["form"]["email"].value() == "three@example.org"
    assert refused.context["form"]["role"].value() == "observer"
    assert 'value="three@example.org"' in body
    assert not Invitation.objects.filter(email="three@example.org").exists()
    assert [m.to for m in mail.outbox] == [["one@example.org"], ["two@example.org"]]


def test_the_invitation_limit_is_per_person(workspace, roles, as_user, limits):
    limits("workspace.invite", "1/h")
    assert invite(as_user(roles["manager"]), workspace, "one@example.org").status_code == 302
    assert invite(as_user(roles["manager"]), workspace, "two@example.org").status_code == 429
    assert invite(as_user(roles["owner"]), workspace, "two@example.org").status_code == 302
    assert Invitation.objects.filter(email="two@example.org", invited_by=roles["owner"]).exists()


def test_a_mistake_does_not_use_up_the_invitation_limit(workspace, roles, as_user, limits):
    limits("workspace.invite", "1/h")
    client = as_user(roles["manager"])
    already = invite(client, workspace, roles["member"].email)
    assert already.status_code == 400
    assert invite(client, workspace, "new@example.org").status_code == 302


def test_sending_a_link_again_counts_as_an_invitation(workspace, roles, as_user, limits):
    limits("workspace.invite", "1/h")
    invitation, _token = make_invitation(workspace, "invitee@example.org", actor=roles["manager"])
    client = as_user(roles["manager"])
    assert invite(client, workspace, "first@example.org").status_code == 302
    mail.outbox.clear()
    refused = client.post(
        reverse(
            "members:invitation_resend",
            kwargs={"slug": workspace.slug, "invitation_id": invitation.pk},
        )
    )
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.context["form"]["email"].value() == "invitee@example.org"
    assert mail.outbox == []
    invitation.refresh_from_db()
    assert invitation.is_pending  # the old link still works; nothing was replaced


@pytest.fixture
def network_workspaces(org):
    return [
        make_workspace(slug=f"listed-{n}", name=f"Listed {n}", visibility="network")
        for n in range(3)
    ]


def ask(client, workspace, message):
    return client.post(
        reverse("members:join_request_create", kwargs={"slug": workspace.slug}),
        {"message": message},
    )


def test_asking_to_join_too_often_gets_429_and_the_message_is_kept(
    org, network_workspaces, as_user, limits
):
    limits("workspace.join_request", "2/h")
    asker = UserFactory(email="asker@example.org", organisation=org)
    client = as_user(asker)
    first, second, third = network_workspaces
    assert ask(client, first, "We work in Osh.").status_code == 302
    assert ask(client, second, "We work in Osh too.").status_code == 302

    refused = ask(client, third, "Please let us follow the referrals.")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    body = refused.content.decode()
    assert "not sent" in body
    assert "Please let us follow the referrals." in body
    assert refused.context["form"]["message"].value() == "Please let us follow the referrals."
    assert not JoinRequest.objects.filter(workspace=third).exists()
    assert JoinRequest.objects.filter(user=asker).count() == 2


def test_the_join_limit_is_per_person(org, network_workspaces, as_user, limits):
    limits("workspace.join_request", "1/h")
    first, second, _ = network_workspaces
    one = UserFactory(email="one@example.org", organisation=org)
    two = UserFactory(email="two@example.org", organisation=org)
    assert ask(as_user(one), first, "").status_code == 302
    assert ask(as_user(one), second, "").status_code == 429
    assert ask(as_user(two), second, "").status_code == 302
