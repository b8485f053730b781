from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core import activity_verbs

from .discussions import Comment, Discussion
from .files import WorkspaceFile
from .workspaces import PERM_MODERATE, Workspace


class Verb(models.TextChoices):
    DISCUSSION_STARTED = "discussion_started", _("started a discussion")
    COMMENTED = "commented", _("commented")
    FILE_UPLOADED = "file_uploaded", _("uploaded a file")
    MEMBER_JOINED = "member_joined", _("joined")
    MEMBER_LEFT = "member_left", _("left")
    MEMBER_REMOVED = "member_removed", _("removed a member")
    WORKSPACE_ARCHIVED = "workspace_archived", _("archived the workspace")
    WORKSPACE_RESTORED = "workspace_restored", _("restored the workspace")


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, perms):
        """Hide what moderators hid, except from moderators, and the events
        registered for a permission the person lacks."""
        hidden = activity_verbs.hidden_from(perms)
        if hidden:
            self = self.exclude(verb__in=hidden)
        if PERM_MODERATE in perms:
            return self
        return self.exclude(discussion__hidden_at__isnull=False).exclude(
            comment__hidden_at__isnull=False
        )

    def for_stream(self):
        return self.select_related("actor", "subject", "discussion", "comment", "file")


class Activity(models.Model):
    """What happened in a workspace, for the overview's activity stream and the
    notification digests. Deleting the thing deletes its activity."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="activities")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Plain codes (Verb, or one another app registered in portal.core.activity_verbs):
    # no choices here, so a new kind of event needs no migration of this table.
    verb = models.CharField(max_length=40)
    # The person a membership event is about, when not the actor.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    discussion = models.ForeignKey(
        Discussion, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    file = models.ForeignKey(
        WorkspaceFile, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["workspace", "-created_at"], name="activity_ws_created")]

    def __str__(self):
        return f"{self.actor} {self.verb} in {self.workspace}"

    @property
    def verb_label(self):
        return activity_verbs.label(self.verb)
