"""A referral of one case from a member organisation to a provider, with the
person's consent (issue 16; DESIGN "portal/referrals").

What travels is the coded case data the person consented to (a snapshot taken
when the referral is sent, so the recipient never needs access to the
sender's report) and the needs: never identity. Names and contacts pass out
of band; the referral says how to reach the referring worker.

Who may see and do what is decided in ``portal.referrals.policy``; every
change goes through ``portal.referrals.lifecycle``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.members.models import Organisation, Workspace
from portal.members.storage import private_storage
from portal.reports.models import CaseRecord

from ..vocabulary import (
    ConsentGiver,
    ConsentMethod,
    Outcome,
    Phase,
    Status,
    StepKind,
    Urgency,
)
from .directory import ServiceProvider

USER = settings.AUTH_USER_MODEL


class ReferralQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=(Status.PENDING, Status.ACCEPTED))

    def involving(self, workspace):
        return self.filter(Q(from_workspace=workspace) | Q(to_workspace=workspace))


class Referral(models.Model):
    # Parties. The organisations are kept as they were when it was sent (a
    # workspace may later change hands); the statistics count by them.
    case = models.ForeignKey(
        CaseRecord,
        verbose_name=_("case record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
        help_text=_("Empty once the sender's case record was deleted or purged."),
    )
    from_workspace = models.ForeignKey(
        Workspace, verbose_name=_("from workspace"), on_delete=models.PROTECT, related_name="+"
    )
    from_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("from organisation"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    provider = models.ForeignKey(
        ServiceProvider, verbose_name=_("to provider"), on_delete=models.PROTECT, related_name="+"
    )
    to_workspace = models.ForeignKey(
        Workspace, verbose_name=_("to workspace"), on_delete=models.PROTECT, related_name="+"
    )
    to_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("to organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_country = models.CharField(_("from country"), max_length=5, blank=True)
    to_country = models.CharField(_("to country"), max_length=5, blank=True)

    # What is asked.
    services = models.JSONField(_("services needed"), default=list)
    phase = models.CharField(_("TRM phase"), max_length=20, choices=Phase.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    languages = models.JSONField(_("languages needed"), default=list, blank=True)
    needs = models.TextField(
        _("needs"),
        blank=True,
        help_text=_("What the person needs, in words. No names, contacts or dates of birth."),
    )
    # The coded case data the person consented to pass, as CTDC columns
    # (portal.referrals.case_data).
    case_data = models.JSONField(_("case data"), default=dict, blank=True)
    data_categories = models.JSONField(_("data passed"), default=list, blank=True)
    sender_contact = models.TextField(
        _("how to reach the referring worker"),
        blank=True,
        help_text=_(
            "Office hours or the channel to use. The worker's account and the "
            "organisation's public contacts are shown anyway."
        ),
    )

    # Consent (Primero's consent check): who, when, for what, how. Or, without
    # it, an override with a written reason, shown to the recipient.
    consent_given = models.BooleanField(_("consent given"), default=False)
    consent_given_by = models.CharField(
        _("consent given by"), max_length=20, choices=ConsentGiver.choices, blank=True
    )
    consent_date = models.DateField(_("consent given on"), null=True, blank=True)
    consent_method = models.CharField(
        _("how consent was obtained"), max_length=20, choices=ConsentMethod.choices, blank=True
    )
    consent_services = models.JSONField(_("consent covers services"), default=list, blank=True)
    consent_data = models.JSONField(_("consent covers data"), default=list, blank=True)
    consent_recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    override_reason = models.TextField(
        _("reason to refer without consent"),
        blank=True,
        help_text=_("For example: a child at immediate risk. Shown to the recipient and audited."),
    )

    # Lifecycle.
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_by = models.ForeignKey(
        USER, verbose_name=_("referred by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"))
    due_at = models.DateTimeField(_("answer due"))
    updated_at = models.DateTimeField(auto_now=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    responded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome in words"), blank=True)
    # Deadline reminders already sent, so the daily job mails once per stage.
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    legal_hold = models.BooleanField(
        _("legal hold"),
        default=False,
        help_text=_("Kept past its retention period while proceedings need it."),
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["status", "due_at"], name="referral_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_given=True) | ~Q(override_reason=""),
                name="referral_consent_or_override",
                violation_error_message=_(
                    "A referral needs the person's consent, or a written reason to go without it."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(from_workspace=models.F("to_workspace")),
                name="referral_between_two_workspaces",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self):
        return f"R-{self.pk:05d}" if self.pk else "R-new"

    # The audit log shows the reference, never the needs or the case data.
    @property
    def audit_repr(self):
        return self.reference

    @property
    def is_overdue(self):
        """Unanswered past its deadline (portal.referrals.lifecycle.due_at)."""
        from django.utils import timezone

        return self.status == Status.PENDING and self.due_at < timezone.now()

    @property
    def is_open(self):
        return self.status in (Status.PENDING, Status.ACCEPTED)

    def get_services_display(self):
        from .directory import Service

        labels = dict(Service.choices)
        return [str(labels.get(code, code)) for code in self.services]

    def get_languages_display(self):
        from .directory import Language

        labels = dict(Language.choices)
        return [str(labels.get(code, code)) for code in self.languages]


class ReferralMessage(models.Model):
    """The thread both organisations share on a referral."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    author_workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("referral message")
        verbose_name_plural = _("referral messages")

    def __str__(self):
        return self.audit_repr

    @property
    def audit_repr(self):
        return f"{self.referral.reference} message"


class ReferralStep(models.Model):
    """A follow-up: a service given or a contact, with its outcome."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=10, choices=StepKind.choices)
    service = models.CharField(_("service"), max_length=20, blank=True)
    date = models.DateField(_("date"))
    note = models.TextField(_("what was done and its outcome"), blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_in = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("follow-up step")
        verbose_name_plural = _("follow-up steps")

    def __str__(self):
        return self.audit_repr

    @property
    def audit_repr(self):
        return f"{self.referral.reference} step"


def document_path(instance, filename):
    # The stored name carries no part of the uploaded name (it may name the person).
    import uuid

    return f"referrals/{instance.referral_id}/{uuid.uuid4().hex}"


class ReferralDocument(models.Model):
    """A file sent with a referral (a consent form, a medical note). Served
    only through the permission-checked view; refused where data residency
    forbids this installation to hold the person's identifiable data."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=document_path, max_length=255
    )
    title = models.CharField(_("title"), max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_in = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("referral document")
        verbose_name_plural = _("referral documents")

    def __str__(self):
        return self.audit_repr

    @property
    def audit_repr(self):
        return f"{self.referral.reference} document #{self.pk}"
