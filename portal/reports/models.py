"""Monitoring reports and their anonymous case records.

Write through portal.reports.services: it keeps the edit history, the audit log
and the invariants below in step. Read through the
querysets (``MonitoringReport.objects.visible_to(user)``), which apply the same
audience rule as every view and the search index.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.core.audience import NETWORK, audiences_for, workspace_ids, workspace_token
from portal.core.countries import country_choices, country_name

from . import vocabulary as vocab
from .release_models import ReleaseRow, StatisticsRelease  # noqa: F401 (registers them)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Reviewed")


class ReportAudience(models.TextChoices):
    WORKSPACE = "workspace", _("Workspace members")
    NETWORK = NETWORK, _("Whole network")


class MonitoringReportQuerySet(models.QuerySet):
    def visible_to(self, user, tokens=None):
        """Reports this person may open: their workspaces' reports, and reports
        shared with the network if they belong to it. The same rule as
        ``audience.can_see(user, report.audiences())``, in one SQL query."""
        tokens = audiences_for(user) if tokens is None else tokens
        condition = Q(workspace_id__in=workspace_ids(tokens))
        if NETWORK in tokens:
            condition |= Q(audience=ReportAudience.NETWORK)
        return self.filter(condition)

    def shared_with_network(self):
        return self.filter(audience=ReportAudience.NETWORK)


class MonitoringReport(models.Model):
    """A restricted, structured record of a monitoring period, owned by a workspace."""

    workspace = models.ForeignKey(
        "members.Workspace",
        verbose_name=_("workspace"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("Visible to the workspace, and to the network once shared. No names."),
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    country = models.CharField(
        _("country covered"), max_length=2, choices=country_choices, default="KG"
    )
    region = models.CharField(
        _("region covered"),
        max_length=200,
        blank=True,
        help_text=_("Oblast or district, for example “Osh oblast”. No addresses."),
    )
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_(
            "What the monitoring found. No names, phone numbers, e-mail addresses, document "
            "numbers or dates of birth: the portal refuses them."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    audience = models.CharField(
        _("who can see it"),
        max_length=10,
        choices=ReportAudience.choices,
        default=ReportAudience.WORKSPACE,
    )
    # Optimistic locking: a form carries the revision it was opened at, so two
    # people editing at once cannot silently overwrite each other.
    revision = models.PositiveIntegerField(default=1, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    shared_at = models.DateTimeField(null=True, blank=True)
    # Set only through portal.members.retention.set_legal_hold (coordinators, audited).
    legal_hold = models.BooleanField(
        _("legal hold"),
        default=False,
        editable=False,
        help_text=_("A held report is never purged. Set by the network coordinators."),
    )

    objects = MonitoringReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = _("monitoring report")
        verbose_name_plural = _("monitoring reports")
        indexes = [models.Index(fields=["audience", "status"], name="report_audience_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="report_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="report_status_known"
            ),
            models.CheckConstraint(
                condition=Q(audience__in=ReportAudience.values), name="report_audience_known"
            ),
            # The network only ever sees reviewed reports: reopening a shared
            # report withdraws it first (services.reopen).
            models.CheckConstraint(
                condition=Q(audience=ReportAudience.WORKSPACE) | Q(status=ReportStatus.REVIEWED),
                name="report_shared_only_when_reviewed",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:detail", kwargs={"slug": self.workspace.slug, "report_id": self.pk})

    def audiences(self):
        """Audience tokens: who may open this report (views and search use the same)."""
        tokens = (workspace_token(self.workspace_id),)
        if self.audience == ReportAudience.NETWORK:
            tokens += (NETWORK,)
        return tokens

    @property
    def is_draft(self):
        return self.status == ReportStatus.DRAFT

    @property
    def country_label(self):
        return country_name(self.country)


def _codes_or_blank(field, values):
    return Q(**{f"{field}__in": [*values, ""]})


def _country_code_or_blank(field):
    return Q(**{field: ""}) | Q(**{f"{field}__regex": r"^[A-Z]{2}$"})


class CaseRecordQuerySet(models.QuerySet):
    def published(self):
        """Records of reviewed reports shared with the network: the only records
        that ever leave the network, through a statistics release."""
        return self.filter(
            report__status=ReportStatus.REVIEWED, report__audience=ReportAudience.NETWORK
        )


class CaseRecord(models.Model):
    """One anonymous row per identified person, in the HTCDS/CTDC vocabulary.

    No free text at all: every field is a code, a year or a flag, and the
    database refuses anything else (check constraints below). Blank codes mean
    "not known".
    """

    report = models.ForeignKey(
        MonitoringReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="cases"
    )
    year_of_registration = models.PositiveSmallIntegerField(vocab.YEAR.label)
    gender = models.CharField(
        vocab.GENDER.label, max_length=30, choices=vocab.Gender.choices, default="Unknown"
    )
    age_band = models.CharField(
        vocab.AGE.label,
        max_length=8,
        choices=vocab.AgeBand.choices,
        blank=True,
        help_text=_("CTDC age band at registration. Never an exact age."),
    )
    citizenship = models.CharField(
        vocab.CITIZENSHIP.label, max_length=2, choices=country_choices, blank=True
    )
    country_of_exploitation = models.CharField(
        vocab.COUNTRY.label, max_length=2, choices=country_choices, blank=True
    )
    case_status = models.CharField(
        vocab.CASE_STATUS.label, max_length=20, choices=vocab.CaseStatus.choices, blank=True
    )
    referred_to = models.CharField(
        vocab.REFERRED_TO.label, max_length=40, choices=vocab.ReferredTo.choices, blank=True
    )

    # Type of exploitation
    is_forced_labour = models.BooleanField(vocab.Exploitation.FORCED_LABOUR.label, default=False)
    is_sexual_exploit = models.BooleanField(vocab.Exploitation.SEXUAL.label, default=False)
    is_forced_marriage = models.BooleanField(
        vocab.Exploitation.FORCED_MARRIAGE.label, default=False
    )
    is_organ_removal = models.BooleanField(vocab.Exploitation.ORGAN_REMOVAL.label, default=False)
    is_other_exploit = models.BooleanField(vocab.Exploitation.OTHER.label, default=False)
    # Type of labour
    type_of_labour_agriculture = models.BooleanField(vocab.Labour.AGRICULTURE.label, default=False)
    type_of_labour_aquafarming = models.BooleanField(vocab.Labour.AQUAFARMING.label, default=False)
    type_of_labour_begging = models.BooleanField(vocab.Labour.BEGGING.label, default=False)
    type_of_labour_construction = models.BooleanField(
        vocab.Labour.CONSTRUCTION.label, default=False
    )
    type_of_labour_domestic_work = models.BooleanField(
        vocab.Labour.DOMESTIC_WORK.label, default=False
    )
    type_of_labour_hospitality = models.BooleanField(vocab.Labour.HOSPITALITY.label, default=False)
    type_of_labour_illicit_activities = models.BooleanField(
        vocab.Labour.ILLICIT_ACTIVITIES.label, default=False
    )
    type_of_labour_manufacturing = models.BooleanField(
        vocab.Labour.MANUFACTURING.label, default=False
    )
    type_of_labour_mining_or_drilling = models.BooleanField(
        vocab.Labour.MINING.label, default=False
    )
    type_of_labour_peddling = models.BooleanField(vocab.Labour.PEDDLING.label, default=False)
    type_of_labour_transportation = models.BooleanField(
        vocab.Labour.TRANSPORTATION.label, default=False
    )
    type_of_labour_other = models.BooleanField(vocab.Labour.OTHER.label, default=False)
    type_of_labour_not_specified = models.BooleanField(
        vocab.Labour.NOT_SPECIFIED.label, default=False
    )
    # Means of control
    means_of_control_debt_bondage = models.BooleanField(
        vocab.MeansOfControl.DEBT_BONDAGE.label, default=False
    )
    means_of_control_takes_earnings = models.BooleanField(
        vocab.MeansOfControl.TAKES_EARNINGS.label, default=False
    )
    means_of_control_restricts_financial_access = models.BooleanField(
        vocab.MeansOfControl.RESTRICTS_FINANCIAL_ACCESS.label, default=False
    )
    means_of_control_threats = models.BooleanField(
        vocab.MeansOfControl.THREATS.label, default=False
    )
    means_of_control_psychological_abuse = models.BooleanField(
        vocab.MeansOfControl.PSYCHOLOGICAL_ABUSE.label, default=False
    )
    means_of_control_physical_abuse = models.BooleanField(
        vocab.MeansOfControl.PHYSICAL_ABUSE.label, default=False
    )
    means_of_control_sexual_abuse = models.BooleanField(
        vocab.MeansOfControl.SEXUAL_ABUSE.label, default=False
    )
    means_of_control_false_promises = models.BooleanField(
        vocab.MeansOfControl.FALSE_PROMISES.label, default=False
    )
    means_of_control_psychoactive_substances = models.BooleanField(
        vocab.MeansOfControl.PSYCHOACTIVE_SUBSTANCES.label, default=False
    )
    means_of_control_restricts_movement = models.BooleanField(
        vocab.MeansOfControl.RESTRICTS_MOVEMENT.label, default=False
    )
    means_of_control_restricts_medical_care = models.BooleanField(
        vocab.MeansOfControl.RESTRICTS_MEDICAL_CARE.label, default=False
    )
    means_of_control_excessive_working_hours = models.BooleanField(
        vocab.MeansOfControl.EXCESSIVE_WORKING_HOURS.label, default=False
    )
    means_of_control_uses_children = models.BooleanField(
        vocab.MeansOfControl.USES_CHILDREN.label, default=False
    )
    means_of_control_threat_of_law_enforcement = models.BooleanField(
        vocab.MeansOfControl.THREAT_OF_LAW_ENFORCEMENT.label, default=False
    )
    means_of_control_withholds_necessities = models.BooleanField(
        vocab.MeansOfControl.WITHHOLDS_NECESSITIES.label, default=False
    )
    means_of_control_withholds_documents = models.BooleanField(
        vocab.MeansOfControl.WITHHOLDS_DOCUMENTS.label, default=False
    )
    means_of_control_other = models.BooleanField(vocab.MeansOfControl.OTHER.label, default=False)
    means_of_control_not_specified = models.BooleanField(
        vocab.MeansOfControl.NOT_SPECIFIED.label, default=False
    )
    # Recruiter relationship
    recruiter_relation_intimate_partner = models.BooleanField(
        vocab.RecruiterRelation.INTIMATE_PARTNER.label, default=False
    )
    recruiter_relation_friend = models.BooleanField(
        vocab.RecruiterRelation.FRIEND.label, default=False
    )
    recruiter_relation_family = models.BooleanField(
        vocab.RecruiterRelation.FAMILY.label, default=False
    )
    recruiter_relation_other = models.BooleanField(
        vocab.RecruiterRelation.OTHER.label, default=False
    )
    recruiter_relation_unknown = models.BooleanField(
        vocab.RecruiterRelation.UNKNOWN.label, default=False
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["report", "pk"]
        verbose_name = _("case record")
        verbose_name_plural = _("case records")
        constraints = [
            models.CheckConstraint(
                condition=Q(year_of_registration__gte=1990, year_of_registration__lte=2100),
                name="case_year_plausible",
            ),
            models.CheckConstraint(
                condition=Q(gender__in=vocab.Gender.values), name="case_gender_coded"
            ),
            models.CheckConstraint(
                condition=_codes_or_blank("age_band", vocab.AgeBand.values),
                name="case_age_band_coded",
            ),
            models.CheckConstraint(
                condition=_country_code_or_blank("citizenship"), name="case_citizenship_coded"
            ),
            models.CheckConstraint(
                condition=_country_code_or_blank("country_of_exploitation"),
                name="case_country_coded",
            ),
            models.CheckConstraint(
                condition=_codes_or_blank("case_status", vocab.CaseStatus.values),
                name="case_status_coded",
            ),
            models.CheckConstraint(
                condition=_codes_or_blank("referred_to", vocab.ReferredTo.values),
                name="case_referral_coded",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.year_of_registration} {self.gender} {self.age_band}".strip()

    def flags(self, group):
        """The set flags of a group, as CTDC column names."""
        return [
            column
            for column, field in zip(group.columns, group.fields, strict=True)
            if getattr(self, field)
        ]


class ChangeKind(models.TextChoices):
    CREATED = "created", _("Report created")
    FIELD = "field", _("Field changed")
    STATUS = "status", _("Status changed")
    AUDIENCE = "audience", _("Audience changed")
    CASE_ADDED = "case_added", _("Case record added")
    CASE_CHANGED = "case_changed", _("Case record changed")
    CASE_DELETED = "case_deleted", _("Case record deleted")
    IMPORTED = "imported", _("Case records imported")
    COMMENT_DELETED = "comment_deleted", _("Comment removed")
    ATTACHMENT_ADDED = "attachment_added", _("File attached")
    ATTACHMENT_REMOVED = "attachment_removed", _("File detached")
    SHARE_REQUESTED = "share_requested", _("Office approval requested")
    SHARE_DECLINED = "share_declined", _("Office declined sharing")
    SHARE_CANCELLED = "share_cancelled", _("Request for office approval cancelled")


class ReportChange(models.Model):
    """The edit history shown on the report page: who changed which field, from
    what to what, when. Values are stored as codes and shown with their labels.

    Only workspace members read it (it names people of the workspace).
    """

    report = models.ForeignKey(MonitoringReport, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Copied in, so the history stays readable after an account is deleted.
    actor_name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=ChangeKind.choices)
    case_record_id = models.PositiveBigIntegerField(null=True, blank=True)
    field = models.CharField(max_length=60, blank=True)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("report change")
        verbose_name_plural = _("report changes")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.kind} {self.field}"


class ReportComment(models.Model):
    """A comment of a workspace member on a report. Checked by the personal-data
    guard like the narrative. Visible to workspace members only (not to the
    network, even when the report is shared)."""

    report = models.ForeignKey(MonitoringReport, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_name = models.CharField(max_length=200, blank=True)
    body = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("report comment")
        verbose_name_plural = _("report comments")

    def __str__(self):
        return f"{self.author_name}: {self.body[:40]}"


class ReportAttachment(models.Model):
    """A workspace file attached to a report.

    The file itself is a members.WorkspaceFile: stored privately, checked on
    upload, downloaded only through the members' permission-checked view, which
    records every download. Attachments stay inside the workspace: network
    members reading a shared report do not see them.
    """

    report = models.ForeignKey(
        MonitoringReport, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.ForeignKey(
        "members.WorkspaceFile", on_delete=models.CASCADE, related_name="report_attachments"
    )
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attached_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attached_at", "pk"]
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")
        constraints = [
            models.UniqueConstraint(fields=["report", "file"], name="attach_a_file_once")
        ]

    def __str__(self):
        return f"{self.report_id}: file #{self.file_id}"


class ShareApprovalState(models.TextChoices):
    PENDING = "pending", _("Waiting for office approval")
    APPROVED = "approved", _("Approved by the office")
    DECLINED = "declined", _("Declined by the office")
    CANCELLED = "cancelled", _("Cancelled")


class ShareApprovalQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=ShareApprovalState.PENDING)


class ShareApproval(models.Model):
    """A request to share a report with the network, waiting for the office.

    Used only when PORTAL_SHARING_REQUIRES_OFFICE_APPROVAL is on: sharing then
    leaves the report inside its workspace (not visible to the network, not
    published) until a network coordinator approves. Kept after the decision,
    so the workspace sees why the office declined.
    """

    report = models.ForeignKey(
        MonitoringReport, on_delete=models.CASCADE, related_name="share_approvals"
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ShareApprovalState.choices,
        default=ShareApprovalState.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(
        _("reason"),
        max_length=2000,
        blank=True,
        help_text=_("Why the office declined. Visible to the workspace's members."),
    )

    objects = ShareApprovalQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("share approval")
        verbose_name_plural = _("share approvals")
        constraints = [
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(state="pending"),
                name="one_pending_share_per_report",
            ),
            models.CheckConstraint(
                condition=Q(state__in=ShareApprovalState.values), name="share_approval_state_known"
            ),
        ]

    def __str__(self):
        return f"{self.report_id}: {self.state}"
