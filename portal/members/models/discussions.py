from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .workspaces import PERM_MODERATE, Workspace

TITLE_MAX = 200
BODY_MAX = 20000


class DiscussionQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(hidden_at__isnull=True)

    def visible_to(self, perms):
        """Hidden threads stay listed for moderators (so they can restore them)."""
        return self if PERM_MODERATE in perms else self.visible()

    def with_comment_counts(self):
        # One query for the whole page: counts come from a grouped JOIN.
        return self.annotate(
            comment_count=Count("comments", filter=Q(comments__hidden_at__isnull=True))
        ).order_by("-last_activity_at", "-id")


class Discussion(models.Model):
    """A thread in a workspace: a title, an opening post and comments.
    Write through portal.members.discussions."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="discussions")
    title = models.CharField(
        _("title"),
        max_length=TITLE_MAX,
        help_text=_(
            "Visible to workspace members, and in notification emails. "
            "Never put a victim's name or details in a title."
        ),
    )
    body = models.TextField(
        _("message"), max_length=BODY_MAX, help_text=_("Visible to workspace members only.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = DiscussionQuerySet.as_manager()

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        verbose_name = _("discussion")
        verbose_name_plural = _("discussions")
        indexes = [
            models.Index(fields=["workspace", "-last_activity_at"], name="discussion_ws_activity")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "members:discussion_detail",
            kwargs={"slug": self.workspace.slug, "discussion_id": self.pk},
        )

    @property
    def audit_repr(self):
        # The audit log is read by office staff who are not members: ids only.
        return f"Discussion #{self.pk}"

    @property
    def is_hidden(self):
        return self.hidden_at is not None


class Comment(models.Model):
    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(
        _("comment"), max_length=BODY_MAX, help_text=_("Visible to workspace members only.")
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self):
        return f"Comment #{self.pk}"

    audit_repr = property(__str__)

    def get_absolute_url(self):
        return f"{self.discussion.get_absolute_url()}#comment-{self.pk}"

    @property
    def workspace(self):
        return self.discussion.workspace

    @property
    def is_hidden(self):
        return self.hidden_at is not None


class PostEdit(models.Model):
    """What a post said before its author changed it, for moderators."""

    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="edits")
    # Empty for an edit of the opening post.
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="edits"
    )
    previous_title = models.CharField(max_length=TITLE_MAX, blank=True)
    previous_body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    edited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-edited_at", "-id"]
        verbose_name = _("edit")
        verbose_name_plural = _("edits")

    def __str__(self):
        return f"Edit #{self.pk} of discussion #{self.discussion_id}"
