"""My workspaces, the overview with its activity stream, members, roles,
ownership, leaving, settings, archiving and restoring."""

import pytest
from django.urls import reverse

from portal.members import audit
from portal.members.models import AuditEvent, Membership, Workspace
from portal.members.views import audit as audit_views
from portal.members.views import discussions as discussion_views
from portal.members.views import files as file_views
from tests.factories import (
    UserFactory,
    add_member,
    make_comment,
    make_discussion,
    make_file,
    make_workspace,
)

pytestmark = pytest.mark.django_db


def url(name, workspace, **kwargs):
    return reverse(f"members:{name}", kwargs={"slug": workspace.slug, **kwargs})


def actions(workspace):
    return list(AuditEvent.objects.filter(workspace=workspace).values_list("action", flat=True))


def test_my_workspaces_lists_mine_with_my_role_and_nothing_else(workspace, roles, as_user):
    body = as_user(roles["observer"]).get("/workspaces/").content.decode()
    assert "Osh monitoring" in body
    assert "Observer" in body or "Наблюдатель" in body
    assert "Elsewhere" not in body


def test_overview_shows_recent_discussions_counts_and_activity(workspace, roles, as_user):
    discussion = make_discussion(workspace, roles["member"], title="Winter shelter plan")
    make_comment(discussion, roles["manager"])
    make_file(workspace, roles["member"], name="schedule.csv", content=b"a,b\n1,2\n")
    response = as_user(roles["observer"]).get(url("workspace_detail", workspace))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Winter shelter plan" in body
    assert "schedule.csv" in body  # "uploaded schedule.csv" in the activity stream
    assert response.context["member_count"] == 4
    assert response.context["file_count"] == 1
    verbs = [a.verb for a in response.context["activities"]]
    assert verbs[:3] == ["file_uploaded", "commented", "discussion_started"]
    assert "member_joined" in verbs


def test_activity_stream_leaves_out_what_moderators_hid(workspace, roles, as_user):
    from portal.members.discussions import set_discussion_hidden

    discussion = make_discussion(workspace, roles["member"], title="Posted by mistake")
    set_discussion_hidden(discussion, True, actor=roles["manager"])
    member_view = as_user(roles["observer"]).get(url("workspace_detail", workspace))
    assert "Posted by mistake" not in member_view.content.decode()
    manager_view = as_user(roles["manager"]).get(url("workspace_detail", workspace))
    assert "Posted by mistake" in manager_view.content.decode()


def test_members_page_lists_everyone_with_roles(workspace, roles, as_user):
    response = as_user(roles["observer"]).get(url("member_list", workspace))
    body = response.content.decode()
    for role in ("owner", "manager", "member", "observer"):
        assert roles[role].email in body
    assert roles["outsider"].email not in body
    # Observers see who is in, not the invitations and join requests.
    assert "invitations" not in response.context


def test_owner_changes_a_role_and_the_permissions_follow(workspace, roles, as_user):
    member = roles["member"]
    response = as_user(roles["owner"]).post(
        url("member_role", workspace, user_id=member.pk), {"role": "manager"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(workspace=workspace, user=member).role == "manager"
    member = type(member).objects.get(pk=member.pk)
    assert member.has_perm("members.moderate_workspace", workspace)
    assert audit.ROLE_CHANGED in actions(workspace)


def test_a_role_outside_the_offer_is_refused_with_a_message(workspace, roles, as_user):
    client = as_user(roles["owner"])
    response = client.post(
        url("member_role", workspace, user_id=roles["member"].pk), {"role": "owner"}, follow=True
    )
    assert Membership.objects.get(workspace=workspace, user=roles["member"]).role == "member"
    assert "Choose one of the roles offered" in response.content.decode()


def test_owner_removes_a_member_who_loses_access(workspace, roles, as_user):
    member = roles["member"]
    client = as_user(roles["owner"])
    assert client.get(url("member_remove", workspace, user_id=member.pk)).status_code == 200
    client.post(url("member_remove", workspace, user_id=member.pk))
    assert not Membership.objects.filter(workspace=workspace, user=member).exists()
    assert audit.MEMBERSHIP_REMOVED in actions(workspace)
    assert as_user(member).get(url("workspace_detail", workspace)).status_code == 404


def test_member_leaves_and_the_stream_says_so(workspace, roles, as_user):
    client = as_user(roles["member"])
    response = client.post(url("workspace_leave", workspace))
    assert response.status_code == 302
    assert response.url == "/workspaces/"
    assert not Membership.objects.filter(workspace=workspace, user=roles["member"]).exists()
    assert audit.MEMBERSHIP_LEFT in actions(workspace)
    assert workspace.activities.filter(verb="member_left", actor=roles["member"]).exists()


def test_the_last_owner_cannot_leave_and_is_told_why(workspace, roles, as_user):
    response = as_user(roles["owner"]).post(url("workspace_leave", workspace), follow=True)
    assert Membership.objects.filter(workspace=workspace, user=roles["owner"]).exists()
    assert "transfer ownership" in response.content.decode()


def test_owner_transfers_ownership_and_becomes_manager(workspace, roles, as_user):
    client = as_user(roles["owner"])
    response = client.post(url("ownership_transfer", workspace), {"new_owner": roles["member"].pk})
    assert response.status_code == 302
    assert Membership.objects.get(workspace=workspace, user=roles["member"]).role == "owner"
    assert Membership.objects.get(workspace=workspace, user=roles["owner"]).role == "manager"
    assert audit.OWNERSHIP_TRANSFERRED in actions(workspace)


def test_a_member_who_owns_another_workspace_can_receive_ownership(workspace, roles, as_user):
    # other_member owns "Elsewhere"; here they are an ordinary member.
    heir = add_member(workspace, roles["other_member"], "member")
    client = as_user(roles["owner"])
    page = client.get(url("ownership_transfer", workspace))
    assert heir in page.context["form"].fields["new_owner"].queryset
    assert f'value="{heir.pk}"' in page.content.decode()
    response = client.post(url("ownership_transfer", workspace), {"new_owner": heir.pk})
    assert response.status_code == 302
    assert Membership.objects.get(workspace=workspace, user=heir).role == "owner"
    assert Membership.objects.get(workspace=workspace, user=roles["owner"]).role == "manager"


def test_the_current_owners_are_not_offered_as_new_owners(workspace, roles, as_user):
    page = as_user(roles["owner"]).get(url("ownership_transfer", workspace))
    offered = set(page.context["form"].fields["new_owner"].queryset)
    assert offered == {roles["manager"], roles["member"], roles["observer"]}


def test_ownership_cannot_go_to_someone_outside_the_workspace(workspace, roles, as_user):
    response = as_user(roles["owner"]).post(
        url("ownership_transfer", workspace), {"new_owner": roles["outsider"].pk}
    )
    assert response.status_code == 400
    assert Membership.objects.get(workspace=workspace, user=roles["owner"]).role == "owner"


def test_owner_edits_the_settings_and_the_log_names_the_fields(workspace, roles, as_user):
    response = as_user(roles["owner"]).post(
        url("workspace_settings", workspace),
        {"name": "Osh monitoring group", "description": "New text", "visibility": "network"},
    )
    assert response.status_code == 302
    workspace.refresh_from_db()
    assert (workspace.name, workspace.visibility) == ("Osh monitoring group", "network")
    event = AuditEvent.objects.get(workspace=workspace, action=audit.WORKSPACE_CHANGED)
    assert event.details == {"fields": ["description", "name", "visibility"]}


def test_invalid_settings_keep_what_was_typed_and_say_what_is_wrong(workspace, roles, as_user):
    response = as_user(roles["owner"]).post(
        url("workspace_settings", workspace),
        {"name": "", "description": "Typed text", "visibility": "private"},
    )
    assert response.status_code == 400
    assert "Typed text" in response.content.decode()
    assert response.context["form"].errors["name"]
    workspace.refresh_from_db()
    assert workspace.name == "Osh monitoring"


def test_archiving_makes_the_workspace_read_only_until_restored(workspace, roles, as_user):
    owner = as_user(roles["owner"])
    owner.post(url("workspace_archive", workspace))
    workspace.refresh_from_db()
    assert workspace.is_archived
    # Everything stays readable…
    assert owner.get(url("discussion_list", workspace)).status_code == 200
    # …nothing can be written, and the page says why.
    response = owner.post(url("discussion_create", workspace), {"title": "t", "body": "b"})
    assert response.status_code == 403
    assert "archived" in response.content.decode().lower()
    assert not workspace.discussions.exists()
    # The overview offers the owner a way back.
    assert (
        url("workspace_restore", workspace)
        in owner.get(url("workspace_detail", workspace)).content.decode()
    )
    owner.post(url("workspace_restore", workspace))
    workspace.refresh_from_db()
    assert not workspace.is_archived
    assert {audit.WORKSPACE_ARCHIVED, audit.WORKSPACE_RESTORED} <= set(actions(workspace))


def test_only_owners_restore_an_archived_workspace(workspace, roles, as_user):
    from portal.members.lifecycle import archive_workspace

    archive_workspace(workspace, actor=roles["owner"])
    assert as_user(roles["manager"]).post(url("workspace_restore", workspace)).status_code == 403
    workspace.refresh_from_db()
    assert workspace.is_archived


def test_reserved_words_cannot_be_workspace_slugs():
    from django.core.exceptions import ValidationError

    workspace = Workspace(slug="network", name="Network")
    with pytest.raises(ValidationError):
        workspace.full_clean()


def test_list_paginates_discussions_without_error_on_a_bad_page(workspace, roles, as_user):
    for n in range(25):
        make_discussion(workspace, roles["member"], title=f"Thread {n}")
    client = as_user(roles["member"])
    assert len(client.get(url("discussion_list", workspace)).context["page"].object_list) == 20
    assert client.get(url("discussion_list", workspace) + "?page=abc").status_code == 200
    assert client.get(url("discussion_list", workspace) + "?page=99").status_code == 200


BAD_PAGES = ["abc", "0", "-1", "1e3", "99", "9" * 400]


def pages_of(client, address, query=None):
    """The titles on page 1 and page 2 of a workspace list, and page 1's HTML."""
    first = client.get(address, query or {})
    second = client.get(address, {**(query or {}), "page": 2})
    assert first.status_code == second.status_code == 200
    return list(first.context["page"]), list(second.context["page"]), first.content.decode()


def test_discussions_page_two_shows_the_next_threads(workspace, roles, as_user, monkeypatch):
    monkeypatch.setattr(discussion_views, "DISCUSSIONS_PER_PAGE", 2)
    for n in range(3):
        make_discussion(workspace, roles["member"], title=f"Thread {n}")
    client = as_user(roles["observer"])
    address = url("discussion_list", workspace)
    first, second, html = pages_of(client, address)
    assert len(first) == 2 and len(second) == 1
    assert {d.title for d in first + second} == {"Thread 0", "Thread 1", "Thread 2"}
    assert f'href="{address}?page=2" rel="next"' in html
    for page in BAD_PAGES:
        assert client.get(address, {"page": page}).status_code == 200, page[:10]


def test_files_page_two_shows_the_next_files(workspace, roles, as_user, monkeypatch):
    monkeypatch.setattr(file_views, "FILES_PER_PAGE", 2)
    for n in range(3):
        make_file(workspace, roles["member"], name=f"notes-{n}.txt")
    client = as_user(roles["member"])
    address = url("file_list", workspace)
    first, second, html = pages_of(client, address)
    assert len(first) == 2 and len(second) == 1
    assert {f.original_name for f in first + second} == {f"notes-{n}.txt" for n in range(3)}
    assert f'href="{address}?page=2" rel="next"' in html
    for page in BAD_PAGES:
        assert client.get(address, {"page": page}).status_code == 200, page[:10]


def test_audit_log_page_two_keeps_the_filter(workspace, roles, as_user, monkeypatch):
    monkeypatch.setattr(audit_views, "EVENTS_PER_PAGE", 2)
    for n in range(3):
        audit.record(roles["owner"], audit.WORKSPACE_CHANGED, target=workspace, step=n)
    client = as_user(roles["owner"])
    address = url("audit_log", workspace)
    wanted = {"action": audit.WORKSPACE_CHANGED}
    first, second, html = pages_of(client, address, wanted)
    assert [e.details["step"] for e in first + second] == [2, 1, 0]  # newest first
    assert f'href="{address}?action=workspace.changed&amp;page=2" rel="next"' in html
    for page in BAD_PAGES:
        response = client.get(address, {**wanted, "page": page})
        assert response.status_code == 200, page[:10]
        assert all(e.action == audit.WORKSPACE_CHANGED for e in response.context["page"])


def test_superuser_opens_any_workspace(workspace, as_user):
    admin = UserFactory(is_staff=True, is_superuser=True)
    assert as_user(admin).get(url("workspace_detail", workspace)).status_code == 200


def test_workspace_of_another_owner_is_not_in_my_list(roles, as_user):
    make_workspace(slug="secret-place", name="Secret place")
    add_member(make_workspace(slug="mine", name="Mine"), roles["outsider"], "member")
    body = as_user(roles["outsider"]).get("/workspaces/").content.decode()
    assert "Mine" in body
    assert "Secret place" not in body


def test_other_apps_can_put_their_events_in_the_stream(workspace, roles, as_user, monkeypatch):
    from portal.core import activity_verbs
    from portal.members import activity

    # A verb of an app that does not exist, forgotten after the test.
    monkeypatch.setattr(activity_verbs, "_verbs", dict(activity_verbs._verbs))
    activity_verbs.register("visit_logged", "logged a monitoring visit")
    activity.record(workspace, roles["member"], "visit_logged")
    body = as_user(roles["observer"]).get(url("workspace_detail", workspace)).content.decode()
    assert "logged a monitoring visit" in body
