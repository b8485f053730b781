"""A person's request to see, correct or erase what an organisation holds
about them (README "Retention and erasure").

The request is tracked, not its content: who asked is not stored here (the
organisation keeps that in its own paper or case file); what was done is free
text that stays inside the organisation and passes the personal-data guard.
Due seven days after it was received (PORTAL_SUBJECT_REQUEST_DAYS, Kyrgyz
personal-data law).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SubjectRequestKind(models.TextChoices):
    ACCESS = "access", _("See what is held")
    CORRECTION = "correction", _("Correct what is held")
    ERASURE = "erasure", _("Erase what is held")


class SubjectRequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    REFUSED = "refused", _("Refused")


def subject_request_days():
    return settings.PORTAL_SUBJECT_REQUEST_DAYS


class SubjectRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=SubjectRequestStatus.OPEN)

    def overdue(self, now=None):
        return self.open().filter(due_at__lt=now or timezone.now())

    def overdue_first(self, now=None):
        """Overdue ones first, then the open ones by due date, then the rest."""
        now = now or timezone.now()
        return self.annotate(
            urgency=Case(
                When(Q(status=SubjectRequestStatus.OPEN, due_at__lt=now), then=Value(0)),
                When(status=SubjectRequestStatus.OPEN, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        ).order_by("urgency", "due_at", "pk")


class SubjectRequest(models.Model):
    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("organisation that received it"),
        # A legal record: deleting the organisation must not erase it silently.
        on_delete=models.PROTECT,
        related_name="subject_requests",
    )
    kind = models.CharField(_("request"), max_length=12, choices=SubjectRequestKind.choices)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    due_at = models.DateTimeField(
        _("answer due"),
        editable=False,
        help_text=_("Seven days after it was received, as the law asks."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SubjectRequestStatus.choices,
        default=SubjectRequestStatus.OPEN,
    )
    refusal_reason = models.TextField(
        _("reason for refusing"),
        blank=True,
        help_text=_("Required when the request is refused. No names or contacts."),
    )
    action_taken = models.TextField(
        _("what was done"),
        blank=True,
        help_text=_(
            "Visible to the organisation and the network coordinators only. No names, "
            "phone numbers, e-mail addresses or document numbers: the portal refuses them."
        ),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)

    objects = SubjectRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("request about personal data")
        verbose_name_plural = _("requests about personal data")
        indexes = [models.Index(fields=["status", "due_at"], name="subject_request_due")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=SubjectRequestStatus.REFUSED) | ~Q(refusal_reason=""),
                name="subject_request_refusal_has_reason",
            )
        ]

    def __str__(self):
        # No content: a number, the kind and the date.
        return _("Request #%(id)s (%(kind)s, received %(date)s)") % {
            "id": self.pk,
            "kind": self.get_kind_display(),
            "date": timezone.localtime(self.received_at).date().isoformat()
            if self.received_at
            else "",
        }

    audit_repr = property(__str__)

    def save(self, *args, **kwargs):
        self.due_at = self.received_at + timedelta(days=subject_request_days())
        if self.status == SubjectRequestStatus.OPEN:
            self.closed_at = None
        elif self.closed_at is None:
            self.closed_at = timezone.now()
        super().save(*args, **kwargs)

    @property
    def is_overdue(self):
        return self.status == SubjectRequestStatus.OPEN and self.due_at < timezone.now()
