"""Discussions: members post and comment, authors edit their own (the earlier
text is kept), managers hide, restore and delete, on the record."""

import pytest
from django.urls import reverse

from portal.members import audit
from portal.members.models import AuditEvent, Comment, Discussion, PostEdit
from tests.factories import add_member, make_comment, make_discussion, make_workspace

pytestmark = pytest.mark.django_db


def u(name, workspace, **kwargs):
    return reverse(f"members:{name}", kwargs={"slug": workspace.slug, **kwargs})


@pytest.fixture
def thread(workspace, roles):
    discussion = make_discussion(
        workspace, roles["member"], title="Airport checklist", body="Draft v1"
    )
    comment = make_comment(discussion, roles["member"], body="My first reply")
    return discussion, comment


def test_member_starts_a_discussion_and_others_read_it(workspace, roles, as_user):
    response = as_user(roles["member"]).post(
        u("discussion_create", workspace), {"title": "Winter places", "body": "How many?"}
    )
    discussion = Discussion.objects.get()
    assert response.status_code == 302
    assert response.url == discussion.get_absolute_url()
    page = as_user(roles["observer"]).get(response.url)
    assert "Winter places" in page.content.decode()
    assert "How many?" in page.content.decode()
    assert page.context["can_comment"] is False  # observers read only


def test_a_discussion_without_a_title_keeps_the_text_and_says_why(workspace, roles, as_user):
    response = as_user(roles["member"]).post(
        u("discussion_create", workspace), {"title": "", "body": "Long text typed with care"}
    )
    assert response.status_code == 400
    assert "Long text typed with care" in response.content.decode()
    assert response.context["form"].errors["title"]
    assert not Discussion.objects.exists()


def test_comments_are_added_in_order_and_bump_the_thread(workspace, roles, as_user, thread):
    discussion, _first = thread
    before = discussion.last_activity_at
    response = as_user(roles["manager"]).post(
        u("comment_create", workspace, discussion_id=discussion.pk), {"body": "Second"}
    )
    latest = Comment.objects.latest("pk")
    assert response.url.endswith(f"#comment-{latest.pk}")
    assert list(discussion.comments.values_list("body", flat=True)) == ["My first reply", "Second"]
    discussion.refresh_from_db()
    assert discussion.last_activity_at > before


def test_an_empty_comment_is_refused_with_a_message(workspace, roles, as_user, thread):
    discussion, _comment = thread
    response = as_user(roles["member"]).post(
        u("comment_create", workspace, discussion_id=discussion.pk), {"body": "  "}
    )
    assert response.status_code == 400
    assert response.context["comment_form"].errors["body"]
    assert discussion.comments.count() == 1


def test_author_edits_and_the_earlier_text_is_kept_for_moderators(
    workspace, roles, as_user, thread
):
    discussion, comment = thread
    author = as_user(roles["member"])
    author.post(
        u("discussion_edit", workspace, discussion_id=discussion.pk),
        {"title": "Airport checklist (agreed)", "body": "Draft v2"},
    )
    author.post(
        u("comment_edit", workspace, discussion_id=discussion.pk, comment_id=comment.pk),
        {"body": "My corrected reply"},
    )
    discussion.refresh_from_db()
    comment.refresh_from_db()
    assert (discussion.title, discussion.body) == ("Airport checklist (agreed)", "Draft v2")
    assert discussion.edited_at and comment.edited_at
    assert comment.body == "My corrected reply"
    edits = PostEdit.objects.filter(discussion=discussion)
    assert {(e.comment_id, e.previous_title, e.previous_body) for e in edits} == {
        (None, "Airport checklist", "Draft v1"),
        (comment.pk, "", "My first reply"),
    }
    history = as_user(roles["manager"]).get(
        u("discussion_history", workspace, discussion_id=discussion.pk)
    )
    assert "Draft v1" in history.content.decode()
    assert "My first reply" in history.content.decode()
    # Members see that a post was edited, not what it said before.
    page = as_user(roles["observer"]).get(discussion.get_absolute_url())
    assert "edited" in page.content.decode()
    assert "Draft v1" not in page.content.decode()


@pytest.mark.parametrize("editor", ["manager", "owner", "observer"])
def test_nobody_but_the_author_edits_a_post(workspace, roles, as_user, thread, editor):
    discussion, comment = thread
    client = as_user(roles[editor])
    response = client.post(
        u("comment_edit", workspace, discussion_id=discussion.pk, comment_id=comment.pk),
        {"body": "Rewritten by someone else"},
    )
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.body == "My first reply"


def test_moderator_hides_a_comment_and_members_see_only_that_it_was_hidden(
    workspace, roles, as_user, thread
):
    discussion, comment = thread
    as_user(roles["manager"]).post(
        u("comment_moderate", workspace, discussion_id=discussion.pk, comment_id=comment.pk),
        {"action": "hide"},
    )
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_by == roles["manager"]
    member_page = as_user(roles["observer"]).get(discussion.get_absolute_url()).content.decode()
    assert "My first reply" not in member_page
    assert "hidden by a moderator" in member_page
    manager_page = as_user(roles["manager"]).get(discussion.get_absolute_url()).content.decode()
    assert "My first reply" in manager_page
    event = AuditEvent.objects.get(action=audit.COMMENT_HIDDEN)
    assert event.target_repr == f"Comment #{comment.pk}"
    assert "My first reply" not in str(event.details)

    as_user(roles["manager"]).post(
        u("comment_moderate", workspace, discussion_id=discussion.pk, comment_id=comment.pk),
        {"action": "unhide"},
    )
    assert (
        "My first reply"
        in as_user(roles["observer"]).get(discussion.get_absolute_url()).content.decode()
    )
    assert AuditEvent.objects.filter(action=audit.COMMENT_UNHIDDEN).exists()


def test_a_hidden_discussion_is_gone_for_members_and_takes_no_comments(
    workspace, roles, as_user, thread
):
    discussion, _comment = thread
    as_user(roles["manager"]).post(
        u("discussion_moderate", workspace, discussion_id=discussion.pk), {"action": "hide"}
    )
    member = as_user(roles["member"])
    assert member.get(discussion.get_absolute_url()).status_code == 404
    assert "Airport checklist" not in member.get(u("discussion_list", workspace)).content.decode()
    member.post(
        u("comment_create", workspace, discussion_id=discussion.pk), {"body": "still here?"}
    )
    assert discussion.comments.count() == 1
    manager = as_user(roles["manager"])
    assert "Airport checklist" in manager.get(u("discussion_list", workspace)).content.decode()
    assert (
        AuditEvent.objects.get(action=audit.DISCUSSION_HIDDEN).target_repr
        == f"Discussion #{discussion.pk}"
    )


def test_moderator_deletes_a_discussion_and_the_log_keeps_no_text(
    workspace, roles, as_user, thread
):
    discussion, _comment = thread
    client = as_user(roles["manager"])
    assert (
        client.get(u("discussion_delete", workspace, discussion_id=discussion.pk)).status_code
        == 200
    )
    response = client.post(u("discussion_delete", workspace, discussion_id=discussion.pk))
    assert response.url == u("discussion_list", workspace)
    assert not Discussion.objects.exists() and not Comment.objects.exists()
    event = AuditEvent.objects.get(action=audit.DISCUSSION_DELETED)
    assert event.details == {"comments": 1}
    assert "Airport" not in event.target_repr


def test_authors_delete_their_own_comments_members_not_others(workspace, roles, as_user, thread):
    discussion, comment = thread
    other = make_comment(discussion, roles["manager"], body="Manager's reply")
    member = as_user(roles["member"])
    delete_other = u("comment_delete", workspace, discussion_id=discussion.pk, comment_id=other.pk)
    assert member.post(delete_other).status_code == 403
    assert Comment.objects.filter(pk=other.pk).exists()
    member.post(u("comment_delete", workspace, discussion_id=discussion.pk, comment_id=comment.pk))
    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert AuditEvent.objects.get(action=audit.COMMENT_DELETED).details["by_author"] is True


def test_a_discussion_cannot_be_reached_through_another_workspace(
    workspace, roles, as_user, thread
):
    discussion, _comment = thread
    mine = make_workspace(slug="mine", name="Mine", owner=roles["member"])
    add_member(mine, roles["observer"], "observer")
    response = as_user(roles["member"]).get(
        u("discussion_detail", mine, discussion_id=discussion.pk)
    )
    assert response.status_code == 404
