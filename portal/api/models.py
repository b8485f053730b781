"""Partner API tokens: how organisations outside the network (IOM, national
referral mechanisms, researchers) fetch the anonymised case export.

The token itself is shown once, when it is created; only its SHA-256 hash is
stored, with a short prefix to find it and show it. Tokens have scopes, expire,
and can be revoked; every use is written to the audit log.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Scope(models.TextChoices):
    ANONYMISED_CASES = "cases:anonymised", _("Anonymised case records (k-anonymous export)")
    STATISTICS = "statistics:read", _("Statistics")
    # Signed releases under a data-sharing agreement (portal.exchange).
    EXCHANGE = "exchange:releases", _("Signed releases under a data-sharing agreement")


class ApiToken(models.Model):
    name = models.CharField(
        _("name"),
        max_length=120,
        help_text=_("What the token is for, for example “IOM CTDC quarterly upload”."),
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
        help_text=_("The partner organisation that holds the token and answers for its use."),
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    use_count = models.PositiveIntegerField(_("uses"), default=0, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")) | Q(created_at__isnull=True),
                name="api_token_expires_after_creation",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.display_prefix})"

    @property
    def display_prefix(self):
        return f"fnp_{self.prefix}_…"

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    def is_expired(self, now=None):
        return self.expires_at <= (now or timezone.now())

    @property
    def status_label(self):
        if self.is_revoked:
            return pgettext_lazy("API token status", "Revoked")
        if self.is_expired():
            return pgettext_lazy("API token status", "Expired")
        return pgettext_lazy("API token status", "Active")

    @property
    def scopes_display(self):
        return ", ".join(self.scopes or [])

    def has_scope(self, scope):
        return scope in (self.scopes or [])


class RefusedTokenWindow(models.Model):
    """Refused API tokens (unknown, made up, expired, revoked) from one address
    in one time window. The audit log gets one row per window, written at its
    first refusal; this row keeps the running count, so a flood of made-up
    tokens costs one audit row and one counter, not a row per request.

    A known token (revoked, expired) gets its own window row and audit row, so
    a stolen old token stays visible even behind a flood of made-up ones.
    """

    address = models.CharField(_("address"), max_length=64)
    window_start = models.DateTimeField(_("window start"))
    window_seconds = models.PositiveIntegerField(_("window length (seconds)"))
    # "" for tokens that match no row; the prefix of a revoked or expired token.
    token_prefix = models.CharField(_("token prefix"), max_length=16, blank=True)
    first_outcome = models.CharField(_("first refusal"), max_length=20)
    count = models.PositiveIntegerField(_("refused requests"), default=1)
    first_at = models.DateTimeField(_("first"), auto_now_add=True)
    last_at = models.DateTimeField(_("last"), auto_now_add=True)

    class Meta:
        ordering = ["-window_start", "address"]
        verbose_name = _("refused API tokens in a window")
        verbose_name_plural = _("refused API tokens by window")
        constraints = [
            models.UniqueConstraint(
                fields=["address", "window_start", "token_prefix"],
                name="api_refused_token_window_unique",
            ),
        ]

    def __str__(self):
        return f"{self.address} {self.window_start:%Y-%m-%d %H:%M} ×{self.count}"
