"""Discussions and comments: who may write, edit and moderate, and the
changes themselves. Authors edit their own posts (the previous text is kept
for moderators); moderators hide, show again and delete, on the record."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import activity, audit
from .models import Comment, Discussion, PostEdit, Verb
from .models.workspaces import PERM_MODERATE


class DiscussionError(Exception):
    """Something the person can understand; the message says what."""


def is_author(user, post):
    return post.author_id is not None and post.author_id == user.pk


def can_edit(user, post):
    return is_author(user, post) and not post.is_hidden


def can_delete_comment(user, comment, perms):
    return PERM_MODERATE in perms or is_author(user, comment)


@transaction.atomic
def start_discussion(workspace, author, title, body, *, notify=True):
    discussion = Discussion.objects.create(
        workspace=workspace, author=author, title=title.strip(), body=body.strip()
    )
    activity.record(
        workspace, author, Verb.DISCUSSION_STARTED, discussion=discussion, notify=notify
    )
    return discussion


@transaction.atomic
def add_comment(discussion, author, body, *, notify=True):
    if discussion.is_hidden:
        raise DiscussionError(_("This discussion was hidden by a moderator; it takes no comments."))
    comment = Comment.objects.create(discussion=discussion, author=author, body=body.strip())
    Discussion.objects.filter(pk=discussion.pk).update(last_activity_at=comment.created_at)
    activity.record(
        discussion.workspace,
        author,
        Verb.COMMENTED,
        discussion=discussion,
        comment=comment,
        notify=notify,
    )
    return comment


@transaction.atomic
def edit_discussion(discussion, editor, title, body):
    title, body = title.strip(), body.strip()
    if (title, body) == (discussion.title, discussion.body):
        return discussion
    PostEdit.objects.create(
        discussion=discussion,
        previous_title=discussion.title,
        previous_body=discussion.body,
        edited_by=editor,
    )
    discussion.title, discussion.body, discussion.edited_at = title, body, timezone.now()
    discussion.save(update_fields=["title", "body", "edited_at"])
    return discussion


@transaction.atomic
def edit_comment(comment, editor, body):
    body = body.strip()
    if body == comment.body:
        return comment
    PostEdit.objects.create(
        discussion_id=comment.discussion_id,
        comment=comment,
        previous_body=comment.body,
        edited_by=editor,
    )
    comment.body, comment.edited_at = body, timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    return comment


def _set_hidden(post, hidden, actor):
    if post.is_hidden == hidden:
        return False
    post.hidden_at = timezone.now() if hidden else None
    post.hidden_by = actor if hidden else None
    post.save(update_fields=["hidden_at", "hidden_by"])
    return True


@transaction.atomic
def set_discussion_hidden(discussion, hidden, *, actor):
    if _set_hidden(discussion, hidden, actor):
        audit.record(
            actor,
            audit.DISCUSSION_HIDDEN if hidden else audit.DISCUSSION_UNHIDDEN,
            target=discussion,
            workspace=discussion.workspace,
        )
    return discussion


@transaction.atomic
def set_comment_hidden(comment, hidden, *, actor):
    if _set_hidden(comment, hidden, actor):
        audit.record(
            actor,
            audit.COMMENT_HIDDEN if hidden else audit.COMMENT_UNHIDDEN,
            target=comment,
            workspace=comment.discussion.workspace,
            discussion=comment.discussion_id,
        )
    return comment


@transaction.atomic
def delete_discussion(discussion, *, actor):
    audit.record(
        actor,
        audit.DISCUSSION_DELETED,
        target=discussion,
        workspace=discussion.workspace,
        comments=discussion.comments.count(),
    )
    discussion.delete()


@transaction.atomic
def delete_comment(comment, *, actor):
    audit.record(
        actor,
        audit.COMMENT_DELETED,
        target=comment,
        workspace=comment.discussion.workspace,
        discussion=comment.discussion_id,
        by_author=is_author(actor, comment),
    )
    comment.delete()
