from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately: one email per new discussion or comment")
    DAILY = "daily", _("Daily digest: one email a day at most")
    OFF = "off", _("No email (I check the workspaces myself)")


DEFAULT_FREQUENCY = Frequency.IMMEDIATE


class NotificationPreference(models.Model):
    """How a person wants to hear about their workspaces. People without a row
    get DEFAULT_FREQUENCY. Invitations are always sent at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    frequency = models.CharField(
        _("workspace notifications"),
        max_length=10,
        choices=Frequency.choices,
        default=DEFAULT_FREQUENCY,
    )
    # End of the period the last digest covered: the next one starts here, so a
    # second run for the same period sends nothing.
    digest_sent_until = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return f"{self.user}: {self.frequency}"
