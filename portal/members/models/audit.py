from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.core import audit_actions


class AppendOnlyError(Exception):
    """Audit events are never changed or deleted once written."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")

    def for_workspace(self, workspace):
        return self.filter(workspace=workspace)


class AuditEvent(models.Model):
    """Who viewed, downloaded, exported, changed or shared restricted data, and
    every membership or permission change. Write through portal.members.audit.

    Append-only in Python (save/delete refuse) and in PostgreSQL (a trigger
    refuses UPDATE and DELETE), so the record survives a bug or a careless script.
    Names are copied in, so the record stays readable after a user or workspace
    is deleted.
    """

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_email = models.CharField(_("who (email)"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=40, db_index=True)
    workspace = models.ForeignKey(
        "members.Workspace",
        verbose_name=_("workspace"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    workspace_slug = models.CharField(_("workspace (slug)"), max_length=80, blank=True)
    target_type = models.CharField(_("object type"), max_length=60, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["workspace", "-at"], name="audit_workspace_at")]

    def __str__(self):
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_email or '-'} {self.action} {self.target_repr}"
        )

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")

    def get_action_label(self):
        return audit_actions.label(self.action)

    # Listings (the Wagtail admin) show the label instead of the stored code.
    get_action_display = get_action_label
