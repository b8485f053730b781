"""Statistics releases: dated snapshots of what leaves the network (public
figures and the partners' k-anonymous rows). Written once by
portal.reports.releases.publish_release, never changed afterwards.

Imported by portal.reports.models so Django registers them with the app.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class StatisticsRelease(models.Model):
    number = models.PositiveIntegerField(_("number"), unique=True)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Visible to the office only."),
    )
    method = models.CharField(_("method"), max_length=100)
    # k, epsilon, noise scale, the queries and the library version: enough to
    # explain and reproduce the method, never any count that is not published.
    parameters = models.JSONField(_("parameters"), default=dict)
    # The figures exactly as published: noise drawn once at publication, so a
    # reload never re-samples (averaging many samples would remove the noise).
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    tables = models.JSONField(_("tables"), default=list)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("statistics release")
        verbose_name_plural = _("statistics releases")

    def __str__(self):
        return f"#{self.number}"

    def get_absolute_url(self):
        return reverse("statistics:release", args=[self.number])


class ReleaseRow(models.Model):
    """One k-anonymous row partners receive. ``workspace`` and ``report`` say
    where it came from so a workspace gets its own share back; they are internal
    and never leave the portal."""

    release = models.ForeignKey(StatisticsRelease, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField()
    workspace = models.ForeignKey(
        "members.Workspace", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    report = models.ForeignKey(
        "reports.MonitoringReport", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField()

    class Meta:
        ordering = ["release", "position"]
        constraints = [
            models.UniqueConstraint(fields=["release", "position"], name="release_row_position")
        ]

    def __str__(self):
        return f"{self.release} row {self.position}"
