"""Discussions: threads, comments, editing by authors, moderation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from portal.core.pagination import paginate

from .. import discussions as service
from ..access import workspace_view
from ..forms import CommentForm, DiscussionForm
from ..models import Comment, Discussion, PostEdit
from ..models.workspaces import PERM_CONTRIBUTE, PERM_MODERATE, PERM_VIEW
from .common import render_workspace

DISCUSSIONS_PER_PAGE = 20
HIDE_ACTIONS = {"hide": True, "unhide": False}


def _discussion_or_404(request, workspace, discussion_id):
    """Hidden threads exist only for moderators."""
    discussion = get_object_or_404(
        Discussion.objects.select_related("author", "hidden_by"),
        workspace=workspace,
        pk=discussion_id,
    )
    if discussion.is_hidden and PERM_MODERATE not in request.workspace_perms:
        raise Http404("No such discussion.")
    return discussion


def _comment_or_404(discussion, comment_id):
    return get_object_or_404(
        Comment.objects.select_related("author"), discussion=discussion, pk=comment_id
    )


def _only_author(request, post):
    if not service.can_edit(request.user, post):
        raise PermissionDenied(_("Only the author can edit this."))


@workspace_view(PERM_VIEW)
@require_safe
def discussion_list(request, workspace):
    discussions = (
        Discussion.objects.filter(workspace=workspace)
        .visible_to(request.workspace_perms)
        .select_related("author")
        .with_comment_counts()
    )
    return render_workspace(
        request,
        "members/discussion_list.html",
        {"page": paginate(request, discussions, DISCUSSIONS_PER_PAGE)},
        tab="discussions",
    )


@workspace_view(PERM_CONTRIBUTE, write=True)
def discussion_create(request, workspace):
    form = DiscussionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            discussion = service.start_discussion(
                workspace, request.user, form.cleaned_data["title"], form.cleaned_data["body"]
            )
            messages.success(request, _("Your discussion is started."))
            return redirect(discussion)
        status = 400
    else:
        status = 200
    return render_workspace(
        request,
        "members/discussion_form.html",
        {"form": form, "creating": True},
        tab="discussions",
        status=status,
    )


def _render_detail(request, workspace, discussion, comment_form=None, status=200):
    comments = list(discussion.comments.select_related("author", "hidden_by"))
    perms = request.workspace_perms
    for comment in comments:
        comment.can_edit = service.can_edit(request.user, comment)
        comment.can_delete = service.can_delete_comment(request.user, comment, perms)
    can_comment = (
        PERM_CONTRIBUTE in perms and not workspace.is_archived and not discussion.is_hidden
    )
    return render_workspace(
        request,
        "members/discussion_detail.html",
        {
            "discussion": discussion,
            "comments": comments,
            "comment_form": comment_form or (CommentForm() if can_comment else None),
            "can_comment": can_comment,
            "can_edit_discussion": service.can_edit(request.user, discussion),
            "has_edits": PERM_MODERATE in perms and discussion.edits.exists(),
        },
        tab="discussions",
        status=status,
    )


@workspace_view(PERM_VIEW)
@require_safe
def discussion_detail(request, workspace, discussion_id):
    discussion = _discussion_or_404(request, workspace, discussion_id)
    return _render_detail(request, workspace, discussion)


@workspace_view(PERM_CONTRIBUTE, write=True)
def discussion_edit(request, workspace, discussion_id):
    discussion = _discussion_or_404(request, workspace, discussion_id)
    _only_author(request, discussion)
    form = DiscussionForm(request.POST or None, instance=discussion)
    if request.method == "POST":
        if form.is_valid():
            discussion.refresh_from_db()
            service.edit_discussion(
                discussion, request.user, form.cleaned_data["title"], form.cleaned_data["body"]
            )
            messages.success(request, _("Your changes are saved."))
            return redirect(discussion)
        discussion.refresh_from_db()
        status = 400
    else:
        status = 200
    return render_workspace(
        request,
        "members/discussion_form.html",
        {"form": form, "discussion": discussion},
        tab="discussions",
        status=status,
    )


@workspace_view(PERM_MODERATE, write=True)
@require_POST
def discussion_moderate(request, workspace, discussion_id):
    discussion = _discussion_or_404(request, workspace, discussion_id)
    action = request.POST.get("action")
    if action not in HIDE_ACTIONS:
        messages.error(request, _("Choose whether to hide the discussion or show it again."))
        return redirect(discussion)
    service.set_discussion_hidden(discussion, HIDE_ACTIONS[action], actor=request.user)
    if HIDE_ACTIONS[action]:
        messages.success(request, _("The discussion is hidden from members."))
    else:
        messages.success(request, _("The discussion is visible again."))
    return redirect(discussion)


@workspace_view(PERM_MODERATE, write=True)
def discussion_delete(request, workspace, discussion_id):
    discussion = _discussion_or_404(request, workspace, discussion_id)
    if request.method == "POST":
        service.delete_discussion(discussion, actor=request.user)
        messages.success(request, _("The discussion and its comments are deleted."))
        return redirect("members:discussion_list", slug=workspace.slug)
    return render_workspace(
        request,
        "members/confirm_delete.html",
        {
            "question": _("Delete the discussion “%(title)s” and all its comments?")
            % {"title": discussion.title},
            "cancel_url": discussion.get_absolute_url(),
        },
        tab="discussions",
    )


@workspace_view(PERM_MODERATE)
@require_safe
def discussion_history(request, workspace, discussion_id):
    discussion = _discussion_or_404(request, workspace, discussion_id)
    edits = PostEdit.objects.filter(discussion=discussion).select_related("edited_by", "comment")
    return render_workspace(
        request,
        "members/discussion_history.html",
        {"discussion": discussion, "edits": edits},
        tab="discussions",
    )


@workspace_view(PERM_CONTRIBUTE, write=True)
@require_POST
def comment_create(request, workspace, discussion_id):
    discussion = _discussion_or_404(request, workspace, discussion_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, workspace, discussion, comment_form=form, status=400)
    try:
        comment = service.add_comment(discussion, request.user, form.cleaned_data["body"])
    except service.DiscussionError as exc:
        messages.error(request, str(exc))
        return redirect(discussion)
    return redirect(comment.get_absolute_url())


@workspace_view(PERM_CONTRIBUTE, write=True)
def comment_edit(request, workspace, discussion_id, comment_id):
    discussion = _discussion_or_404(request, workspace, discussion_id)
    comment = _comment_or_404(discussion, comment_id)
    _only_author(request, comment)
    form = CommentForm(request.POST or None, instance=comment)
    if request.method == "POST":
        if form.is_valid():
            comment.refresh_from_db()
            service.edit_comment(comment, request.user, form.cleaned_data["body"])
            messages.success(request, _("Your changes are saved."))
            return redirect(comment.get_absolute_url())
        status = 400
    else:
        status = 200
    return render_workspace(
        request,
        "members/comment_form.html",
        {"form": form, "discussion": discussion, "comment": comment},
        tab="discussions",
        status=status,
    )


@workspace_view(PERM_MODERATE, write=True)
@require_POST
def comment_moderate(request, workspace, discussion_id, comment_id):
    discussion = _discussion_or_404(request, workspace, discussion_id)
    comment = _comment_or_404(discussion, comment_id)
    action = request.POST.get("action")
    if action not in HIDE_ACTIONS:
        messages.error(request, _("Choose whether to hide the comment or show it again."))
        return redirect(discussion)
    service.set_comment_hidden(comment, HIDE_ACTIONS[action], actor=request.user)
    if HIDE_ACTIONS[action]:
        messages.success(request, _("The comment is hidden from members."))
    else:
        messages.success(request, _("The comment is visible again."))
    return redirect(comment.get_absolute_url())


# Members delete their own comments; moderators any. The object check is below.
@workspace_view(PERM_CONTRIBUTE, write=True)
def comment_delete(request, workspace, discussion_id, comment_id):
    discussion = _discussion_or_404(request, workspace, discussion_id)
    comment = _comment_or_404(discussion, comment_id)
    if not service.can_delete_comment(request.user, comment, request.workspace_perms):
        raise PermissionDenied(_("Only the author or a moderator can delete this comment."))
    if request.method == "POST":
        service.delete_comment(comment, actor=request.user)
        messages.success(request, _("The comment is deleted."))
        return redirect(discussion)
    return render_workspace(
        request,
        "members/confirm_delete.html",
        {
            "question": _("Delete this comment? This cannot be undone."),
            "cancel_url": comment.get_absolute_url(),
        },
        tab="discussions",
    )
