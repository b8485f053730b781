"""What links this portal's database to others.

Outgoing (this portal is the origin):
- ``SigningKey``: the Ed25519 keys releases are signed with. Only the public half
  is in the database; the private half is a file in EXCHANGE_KEYS_DIR.
- ``Agreement``: a data-sharing agreement with a partner database (its tier,
  countries, years, dates, contact). Nothing leaves without one in force.
- ``ReleaseEvent``: the update log partners read by cursor: a release was
  published, or withdrawn. Its sequence number is the cursor.
- ``Delivery``: one event to push to one agreement's inbox, retried with backoff
  (the outbox: written in the transaction that made the event).

Incoming (this portal subscribes to another one):
- ``Subscription``: an origin portal we pull from (or that pushes to us), the
  keys we trust for it and how far we have read.
- ``ImportedRelease``: a release received from an origin, with its provenance.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.countries import is_country_code

# CTDC publishes records of groups of at least 11: an agreement never asks for less.
MIN_RECORDS_K = 11


class SigningKeyQuerySet(models.QuerySet):
    def published(self):
        """Every key a consumer may meet on a release: active and retired ones
        (a release signed last year stays verifiable), never revoked ones."""
        return self.filter(revoked_at__isnull=True)

    def active(self):
        return self.published().filter(retired_at__isnull=True).order_by("-created_at").first()


class SigningKey(models.Model):
    kid = models.CharField(_("key id"), max_length=64, unique=True, editable=False)
    # Raw 32-byte Ed25519 public key, base64url without padding (as in a JWK's "x").
    public_key = models.CharField(_("public key"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    retired_at = models.DateTimeField(
        _("retired"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("No longer signs new releases; still verifies the releases it signed."),
    )
    revoked_at = models.DateTimeField(
        _("revoked"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Compromised: removed from the published keys, its signatures refused."),
    )
    # The previous active key's signature over this key's entry, so a consumer
    # who trusts the old key can trust the new one without asking a person.
    endorsed_by = models.CharField(_("endorsed by"), max_length=64, blank=True, editable=False)
    endorsement = models.CharField(_("endorsement"), max_length=128, blank=True, editable=False)

    objects = SigningKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")

    def __str__(self):
        return self.kid

    @property
    def status(self):
        if self.revoked_at:
            return "revoked"
        return "retired" if self.retired_at else "active"


class Tier(models.TextChoices):
    AGGREGATES = "aggregates", _("Aggregate tables only")
    RECORDS = "records", _("Aggregate tables and de-identified case records (k ≥ 11)")


class Delivery(models.TextChoices):
    PULL = "pull", _("The partner pulls with its token")
    PUSH = "push", _("The portal pushes to the partner's inbox")


class AgreementQuerySet(models.QuerySet):
    def in_force(self, on=None):
        today = on or timezone.localdate()
        return self.filter(revoked_at__isnull=True, starts_on__lte=today, ends_on__gte=today)


class Agreement(models.Model):
    """A data-sharing agreement: the only way anything leaves for a partner."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("As on the signed agreement, for example “IOM CTDC, 2026–2027”."),
    )
    partner = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="exchange_agreements",
        help_text=_("The organisation that runs the partner database."),
    )
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices)
    min_k = models.PositiveSmallIntegerField(
        _("smallest group (k)"),
        default=MIN_RECORDS_K,
        validators=[MinValueValidator(MIN_RECORDS_K), MaxValueValidator(1000)],
        help_text=_("Records are sent only from releases anonymised with at least this k."),
    )
    countries = models.JSONField(
        _("countries"),
        default=list,
        help_text=_(
            "ISO codes. Only records whose citizenship or country of exploitation is one "
            "of them, and corridors touching them, are sent."
        ),
    )
    year_from = models.PositiveSmallIntegerField(_("from year"))
    year_to = models.PositiveSmallIntegerField(_("to year"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    contact_name = models.CharField(_("contact name"), max_length=200)
    contact_email = models.EmailField(_("contact email"))
    delivery = models.CharField(
        _("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.PULL
    )
    inbox_url = models.URLField(
        _("inbox URL"),
        blank=True,
        help_text=_(
            "Where releases are pushed (push delivery only), for example "
            "https://portal.example.md/api/v1/exchange/inbox."
        ),
    )
    token = models.OneToOneField(
        "api.ApiToken",
        verbose_name=_("API token"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exchange_agreement",
        editable=False,
        help_text=_("The partner's token for pulling releases; issued with the agreement."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    revoked_at = models.DateTimeField(_("ended early"), null=True, blank=True, editable=False)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("data-sharing agreement")
        verbose_name_plural = _("data-sharing agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="agreement_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(year_to__gte=models.F("year_from")), name="agreement_years_in_order"
            ),
            models.CheckConstraint(condition=Q(min_k__gte=MIN_RECORDS_K), name="agreement_min_k"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        countries = self.countries if isinstance(self.countries, list) else None
        if not countries:
            errors["countries"] = _("Name at least one country.")
        elif unknown := sorted(str(c) for c in countries if not is_country_code(c)):
            errors["countries"] = _("Unknown country codes: %(codes)s.") % {
                "codes": ", ".join(unknown)
            }
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The agreement must end after it starts.")
        if self.year_from and self.year_to and self.year_to < self.year_from:
            errors["year_to"] = _("The last year must not come before the first.")
        if self.delivery == Delivery.PUSH and not self.inbox_url:
            errors["inbox_url"] = _("Push delivery needs the partner's inbox URL.")
        elif (
            self.inbox_url
            and not settings.EXCHANGE_ALLOW_HTTP
            and not self.inbox_url.lower().startswith("https://")
        ):
            errors["inbox_url"] = _("Use an https:// address: releases never travel in clear.")
        if errors:
            raise ValidationError(errors)

    def is_in_force(self, on=None):
        today = on or timezone.localdate()
        return self.revoked_at is None and self.starts_on <= today <= self.ends_on

    @property
    def status_label(self):
        if self.revoked_at:
            return _("Ended early")
        today = timezone.localdate()
        if today < self.starts_on:
            return _("Not yet in force")
        if today > self.ends_on:
            return _("Expired")
        return _("In force")


class EventKind(models.TextChoices):
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReleaseEvent(models.Model):
    """One entry of the update log. ``id`` only grows: it is the partners' cursor."""

    id = models.BigAutoField(primary_key=True)
    release = models.ForeignKey(
        "reports.StatisticsRelease",
        verbose_name=_("release"),
        on_delete=models.PROTECT,
        related_name="exchange_events",
    )
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    version = models.PositiveIntegerField(_("version"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("release event")
        verbose_name_plural = _("release events")
        constraints = [
            models.UniqueConstraint(fields=["release", "version"], name="release_event_version")
        ]

    def __str__(self):
        return f"{self.release} v{self.version} {self.kind}"


class PushDelivery(models.Model):
    """One event to push to one agreement's inbox: the durable outbox of pushes."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(ReleaseEvent, on_delete=models.CASCADE, related_name="deliveries")
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # Refused for good (agreement ended, or the partner said the document is
    # wrong): no more retries; the status command lists it.
    abandoned_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["next_attempt_at", "id"]
        verbose_name = _("push delivery")
        verbose_name_plural = _("push deliveries")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "event"], name="push_delivery_once")
        ]

    def __str__(self):
        return f"{self.event} → {self.agreement}"


class Subscription(models.Model):
    """An origin portal this installation receives releases from."""

    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("The origin network, for example “La Strada Moldova”."),
    )
    origin_url = models.URLField(
        _("origin address"),
        unique=True,
        help_text=_("The origin portal's base address, for example https://portal.example.kg."),
    )
    # The token the origin issued to us. It is a credential for reading the
    # origin's releases, kept because every pull needs it.
    token = models.CharField(_("token"), max_length=200, blank=True)
    agreement_uid = models.UUIDField(_("agreement"), null=True, blank=True, editable=False)
    # kid -> base64url public key: the origin's keys we trust. The first set is
    # pinned when subscribing; later keys are added only when a trusted key
    # endorsed them.
    trusted_keys = models.JSONField(_("trusted keys"), default=dict, editable=False)
    cursor = models.BigIntegerField(_("read up to"), default=0, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_sync_at = models.DateTimeField(_("last sync"), null=True, blank=True, editable=False)
    last_error = models.CharField(_("last error"), max_length=500, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self):
        return self.name


class ImportedReleaseQuerySet(models.QuerySet):
    def current(self):
        return self.filter(withdrawn_at__isnull=True)


class ImportedRelease(models.Model):
    """A release received from an origin, with where it came from."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, related_name="releases"
    )
    origin = models.URLField(_("origin"))
    organisation = models.CharField(_("organisation"), max_length=200)
    network = models.CharField(_("network"), max_length=200)
    release_id = models.PositiveIntegerField(_("release"))
    version = models.PositiveIntegerField(_("version"))
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices)
    published_at = models.DateTimeField(_("published at"))
    signer_kid = models.CharField(_("signed with"), max_length=64)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    # SHA-256 of the exact canonical bytes received: what was verified.
    digest = models.CharField(_("digest"), max_length=64)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    payload = models.JSONField(_("payload"))

    objects = ImportedReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("imported release")
        verbose_name_plural = _("imported releases")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "release_id"], name="imported_release_once"
            )
        ]

    def __str__(self):
        return f"{self.network} #{self.release_id} v{self.version}"
