"""The demo's workspaces: two organisations, osh-monitoring and
andijan-shelters with members, discussions, a file each, a pending invitation
and a join request; loading twice changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from portal.members.audience import is_network_member
from portal.members.models import (
    Comment,
    Discussion,
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    User,
    Workspace,
    WorkspaceFile,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_interface():
    """Not English here: the demo builds its pages in the default language, Russian."""


@pytest.fixture
def private_media(settings):
    """The demo's files are where the run's demo (tests/conftest.py) wrote
    them, not in a folder of this test's."""
    return settings.PRIVATE_MEDIA_ROOT


def load():
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=io.StringIO())


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Organisation,
            Workspace,
            Membership,
            Discussion,
            Comment,
            WorkspaceFile,
            Invitation,
            JoinRequest,
            User,
        )
    }


def roles_in(slug):
    return dict(Membership.objects.filter(workspace__slug=slug).values_list("user__email", "role"))


def test_demo_workspaces_are_complete_and_loading_twice_changes_nothing(demo, private_media):
    first = counts()
    load()
    assert counts() == first

    # The workspaces' people belong to verified organisations: they are network members.
    for email in ("alia@example.org", "bakyt@example.org"):
        assert Organisation.objects.get(people__email=email).verified
    osh = roles_in("osh-monitoring")
    assert osh["alia@example.org"] == "owner"
    assert "observer" in osh.values() and len(osh) >= 3
    andijan = roles_in("andijan-shelters")
    assert andijan["bakyt@example.org"] == "owner"
    assert len(andijan) >= 3
    for slug in ("osh-monitoring", "andijan-shelters"):
        workspace = Workspace.objects.get(slug=slug)
        assert workspace.discussions.exists()
        assert Comment.objects.filter(discussion__workspace=workspace).exists()
        (stored,) = workspace.files.all()
        assert (private_media / stored.file.name).stat().st_size == stored.size
    assert (
        WorkspaceFile.objects.get(original_name__endswith=".pdf").content_type == "application/pdf"
    )
    assert Invitation.objects.pending().filter(workspace__slug="osh-monitoring").count() == 1
    assert JoinRequest.objects.pending().filter(workspace__slug="osh-monitoring").count() == 1
    for email in ("alia@example.org", "bakyt@example.org"):
        assert is_network_member(User.objects.get(email=email))


def test_demo_members_see_their_workspace_and_not_the_other(client, demo):
    client.post("/accounts/login/", {"login": "alia@example.org", "password": "demo-pass-2024"})
    assert client.get("/workspaces/osh-monitoring/").status_code == 200
    assert client.get("/workspaces/andijan-shelters/").status_code == 404
    stored = WorkspaceFile.objects.get(workspace__slug="osh-monitoring")
    download = client.get(f"/workspaces/osh-monitoring/files/{stored.pk}/download/")
    assert download.status_code == 200
    assert b"week,district" in b"".join(download.streaming_content)


def test_a_renamed_demo_discussion_is_not_added_again(demo):
    discussion = Discussion.objects.filter(workspace__slug="osh-monitoring").first()
    discussion.title = "Renamed by a member"
    discussion.save()
    before = Discussion.objects.count()
    load()
    assert Discussion.objects.count() == before
