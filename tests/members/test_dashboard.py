"""My workspaces: members land there after signing in and see, per workspace,
what others did since their previous visit; only their own workspaces, only
what they may see, in a fixed number of queries."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.core.roles import EDITORS
from portal.members import activity, dashboard
from portal.members.discussions import set_discussion_hidden
from portal.members.lifecycle import archive_workspace
from portal.members.permissions import remove_membership
from tests.factories import (
    DEFAULT_PASSWORD,
    OrganisationFactory,
    UserFactory,
    add_member,
    make_comment,
    make_discussion,
    make_file,
    make_join_request,
    make_workspace,
)

pytestmark = pytest.mark.django_db
MY_WORKSPACES = reverse("members:workspace_list")


def sign_in(client, user, next_url=None):
    """Through allauth's form, as the person does: the redirect is the landing."""
    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response.url


def news_of(user):
    return {m.workspace.slug: m.news for m in dashboard.dashboard_for(user)}


def test_a_member_lands_on_my_workspaces_after_signing_in(client, roles):
    assert sign_in(client, roles["member"]) == MY_WORKSPACES


def test_next_still_wins_over_the_landing(client, roles, workspace):
    assert sign_in(client, roles["member"], "/workspaces/notifications/") == (
        "/workspaces/notifications/"
    )


def test_people_without_a_workspace_land_where_they_can_act(client):
    editor = UserFactory(email="editor@example.org", is_staff=True)
    editor.groups.add(Group.objects.get_or_create(name=EDITORS)[0])
    assert sign_in(client, editor) == reverse("wagtailadmin_home")
    client.logout()
    # A person of a verified NGO: My workspaces says how to get in and lists
    # the workspaces open to the network.
    colleague = UserFactory(organisation=OrganisationFactory(verified=True))
    assert sign_in(client, colleague) == MY_WORKSPACES
    page = client.get(MY_WORKSPACES).content.decode()
    assert "You are not a member of any workspace yet" in page
    assert reverse("members:network_directory") in page
    client.logout()
    # Outside the network: the same page, without the directory.
    stranger = UserFactory(organisation=None)
    assert sign_in(client, stranger) == MY_WORKSPACES
    page = client.get(MY_WORKSPACES).content.decode()
    assert "You are not a member of any workspace yet" in page
    assert reverse("members:network_directory") not in page


def test_the_dashboard_counts_what_others_did_since_the_previous_visit(
    client, workspace, roles, as_user
):
    member, owner = roles["member"], roles["owner"]
    discussion = make_discussion(workspace, owner, title="Winter places")
    make_comment(discussion, owner)
    make_comment(discussion, roles["manager"])
    make_comment(discussion, member)  # one's own doing is not news
    make_file(workspace, owner)
    activity.record(workspace, owner, "report_submitted", notify=False)
    add_member(workspace, UserFactory(email="newcomer@example.org"), "observer")

    assert news_of(member)["osh-monitoring"] == {
        "discussions": 1,
        "comments": 2,
        "files": 1,
        "reports": 1,
        "members": 2,  # the observer joined after them, and the newcomer
    }
    page = as_user(member).get(MY_WORKSPACES).content.decode()
    assert "1 new discussion" in page and "2 new comments" in page
    assert "1 new file" in page and "1 report update" in page and "2 new members" in page

    # Opening the workspace is a visit: news start again from there.
    assert client.get(workspace.get_absolute_url()).status_code == 200
    assert news_of(member)["osh-monitoring"] == {}
    assert "Nothing new since your last visit." in client.get(MY_WORKSPACES).content.decode()
    make_comment(discussion, owner)
    assert news_of(member)["osh-monitoring"] == {"comments": 1}


def test_what_happened_before_joining_is_not_news(workspace, roles):
    make_discussion(workspace, roles["owner"], title="Before you came")
    newcomer = add_member(workspace, UserFactory(), "member")
    assert news_of(newcomer)["osh-monitoring"] == {}


def test_another_workspaces_activity_never_appears(workspace, roles, as_user):
    other_owner = roles["other_member"]
    other = other_owner.memberships.get().workspace
    make_discussion(other, other_owner, title="Elsewhere secret thread")
    make_file(other, other_owner)
    member = roles["member"]
    assert set(news_of(member)) == {"osh-monitoring"}
    # Only the observer's joining, in the member's own workspace.
    assert news_of(member)["osh-monitoring"] == {"members": 1}
    page = as_user(member).get(MY_WORKSPACES).content.decode()
    assert "Elsewhere" not in page and "secret thread" not in page
    assert "new discussion" not in page and "new file" not in page


def test_hidden_discussions_are_not_counted(workspace, roles):
    discussion = make_discussion(workspace, roles["owner"], title="Removed by moderators")
    make_comment(discussion, roles["owner"])
    set_discussion_hidden(discussion, True, actor=roles["manager"])
    assert news_of(roles["observer"])["osh-monitoring"] == {}
    assert news_of(roles["member"])["osh-monitoring"] == {"members": 1}  # the observer


def test_an_archived_workspace_and_a_removed_membership_leave_the_dashboard(
    workspace, roles, as_user
):
    member = roles["member"]
    make_discussion(workspace, roles["owner"], title="Winter places")
    archive_workspace(workspace, actor=roles["owner"])
    assert news_of(member) == {}
    page = as_user(member).get(MY_WORKSPACES).content.decode()
    assert "new discussion" not in page
    # Still readable from the archived list, without news.
    assert "Archived workspaces" in page and workspace.get_absolute_url() in page

    kept = make_workspace(owner=roles["owner"], slug="kept", name="Kept")
    add_member(kept, member)
    make_discussion(kept, roles["owner"], title="Still here")
    assert news_of(member)["kept"] == {"discussions": 1}
    remove_membership(kept, member, actor=roles["owner"])
    assert "kept" not in news_of(member)
    page = as_user(member).get(MY_WORKSPACES).content.decode()
    assert "Kept" not in page


def test_managers_see_waiting_join_requests_and_members_do_not(workspace, roles, as_user):
    make_join_request(workspace)
    assert news_of(roles["manager"])["osh-monitoring"]["requests"] == 1
    assert news_of(roles["owner"])["osh-monitoring"]["requests"] == 1
    assert "requests" not in news_of(roles["member"])["osh-monitoring"]
    assert "requests" not in news_of(roles["observer"])["osh-monitoring"]
    page = as_user(roles["manager"]).get(MY_WORKSPACES).content.decode()
    assert "1 request to join waits for an answer" in page
    # Another workspace's requests never reach this workspace's managers.
    make_join_request(roles["other_member"].memberships.get().workspace)
    assert news_of(roles["manager"])["osh-monitoring"]["requests"] == 1


def test_the_dashboard_takes_the_same_queries_for_one_workspace_or_many(client, workspace, roles):
    member, owner = roles["member"], roles["owner"]
    make_comment(make_discussion(workspace, owner), owner)
    client.force_login(member)
    client.get(MY_WORKSPACES)  # warm the session and caches

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(MY_WORKSPACES).status_code == 200
        return len(captured)

    one = queries()
    for n in range(4):
        more = make_workspace(owner=owner, slug=f"more-{n}", name=f"More {n}")
        add_member(more, member, "manager" if n % 2 else "member")
        make_file(more, owner)
        make_comment(make_discussion(more, owner), owner)
        make_join_request(more)
    # New organisations renew the public chrome's cache: warm it again.
    client.get(MY_WORKSPACES)
    assert queries() == one
    assert len(news_of(member)) == 5
