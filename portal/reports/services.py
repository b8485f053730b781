"""Every change to a report goes through here: workflow rules, the edit history,
the audit log and the statistics cache stay in step in one transaction.

Views decide *who* may act (portal.reports.policy); these functions enforce
*when* (the workflow) and refuse personal data whatever the caller.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.roles import is_network_coordinator
from portal.members import activity, audit

from . import audit_actions, pii
from . import vocabulary as vocab
from .four_eyes import report_contributors
from .models import (
    CaseRecord,
    ChangeKind,
    MonitoringReport,
    ReportAttachment,
    ReportAudience,
    ReportChange,
    ReportComment,
    ReportStatus,
    ShareApproval,
    ShareApprovalState,
)

REPORT_TEXT_FIELDS = ("title", "region", "summary")
REPORT_EDITABLE_FIELDS = ("title", "period_start", "period_end", "country", "region", "summary")


class WorkflowError(Exception):
    """The action does not fit the report's state (for example editing a reviewed report)."""


class StaleEdit(WorkflowError):
    """Someone else saved the report after this form was opened."""


class PersonalDataFound(Exception):
    """Text that looks like personal data; ``findings`` maps field -> [Finding]."""

    def __init__(self, findings):
        self.findings = findings
        super().__init__(", ".join(sorted(findings)))


def _actor_name(actor):
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return str(actor)


def _history(report, actor, kind, *, field="", old="", new="", case_record_id=None):
    return ReportChange.objects.create(
        report=report,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=_actor_name(actor),
        kind=kind,
        field=field,
        old_value="" if old is None else str(old),
        new_value="" if new is None else str(new),
        case_record_id=case_record_id,
    )


def _changed():
    # Nothing leaves the network on a change any more: statistics and partner
    # data are published as releases (portal.reports.releases), so a change (or
    # its undoing) shows nowhere outside until the next release.
    pass


# Report events shown in the workspace's activity stream (labels registered in
# ReportsConfig.ready). No title: the stream is read by the whole workspace and
# the report page is one click away under the Reports tab.
ACTIVITY_VERBS = {
    ReportStatus.SUBMITTED: "report_submitted",
    ReportStatus.REVIEWED: "report_reviewed",
    ReportAudience.NETWORK: "report_shared",
    ShareApprovalState.PENDING: "report_share_requested",
    ShareApprovalState.DECLINED: "report_share_declined",
}


def _activity(report, actor, key):
    verb = ACTIVITY_VERBS.get(key)
    if verb:
        activity.record(report.workspace, actor, verb, notify=False)


def check_personal_data(values):
    findings = pii.scan_fields(values)
    if findings:
        raise PersonalDataFound(findings)


def _require_draft(report, action):
    if report.status != ReportStatus.DRAFT:
        raise WorkflowError(
            _("This report is %(status)s: %(action)s is only possible on a draft.")
            % {"status": report.get_status_display().lower(), "action": action}
        )


def _lock(report):
    """Reload the report with a row lock so concurrent workflow actions serialise."""
    return (
        MonitoringReport.objects.select_for_update().select_related("workspace").get(pk=report.pk)
    )


# --- Reports ---------------------------------------------------------------------


@transaction.atomic
def create_report(workspace, *, actor, request=None, **fields):
    check_personal_data({name: fields.get(name, "") for name in REPORT_TEXT_FIELDS})
    report = MonitoringReport(workspace=workspace, created_by=_user(actor), **fields)
    report.full_clean()
    report.save()
    _history(report, actor, ChangeKind.CREATED)
    audit.record(actor, audit_actions.REPORT_CREATED, target=report, workspace=workspace)
    _changed()
    return report


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def update_report(report, *, actor, changes, revision=None, request=None):
    """Apply ``changes`` (field -> new value) to a draft; one history row per
    changed field. ``revision`` is the revision the form was opened at."""
    report = _lock(report)
    _require_draft(report, _("editing"))
    if revision is not None and revision != report.revision:
        raise StaleEdit(
            _(
                "Someone else saved this report while you were editing it. Your text is "
                "still in the form below: compare it with the current report and save again."
            )
        )
    unknown = set(changes) - set(REPORT_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    check_personal_data({k: v for k, v in changes.items() if k in REPORT_TEXT_FIELDS})
    changed = []
    for name, value in changes.items():
        old = getattr(report, name)
        if old != value:
            _history(report, actor, ChangeKind.FIELD, field=name, old=old, new=value)
            setattr(report, name, value)
            changed.append(name)
    if changed:
        report.revision += 1
        report.full_clean()
        report.save()
        audit.record(actor, audit_actions.REPORT_CHANGED, target=report, fields=changed)
        _changed()
    return report


def _set_status(report, new_status, *, actor, request):
    old_status = report.status
    report.status = new_status
    now = timezone.now()
    if new_status == ReportStatus.SUBMITTED:
        report.submitted_at = now
    elif new_status == ReportStatus.REVIEWED:
        report.reviewed_at = now
        report.reviewed_by = _user(actor)
    report.revision += 1
    report.save()
    _history(report, actor, ChangeKind.STATUS, field="status", old=old_status, new=new_status)
    _activity(report, actor, new_status)
    audit.record(
        actor,
        audit_actions.REPORT_STATUS_CHANGED,
        target=report,
        previous=old_status,
        status=new_status,
    )
    _changed()
    return report


@transaction.atomic
def submit_report(report, *, actor, request=None):
    """Draft -> submitted. The texts are checked again: the guard may have learnt
    a pattern since they were saved."""
    report = _lock(report)
    _require_draft(report, _("submitting"))
    check_personal_data({name: getattr(report, name) for name in REPORT_TEXT_FIELDS})
    return _set_status(report, ReportStatus.SUBMITTED, actor=actor, request=request)


def _four_eyes_refusal():
    # A function, not a module constant: gettext at import time would freeze the
    # message in the language active then, whoever reads it later.
    return _(
        "You wrote or changed this report or its case records, so you cannot review it: "
        "another manager or the owner of the workspace must review it."
    )


@transaction.atomic
def review_report(report, *, actor, request=None):
    """Submitted -> reviewed, by a second person: never by someone who created
    or changed the report or its case records (portal.reports.four_eyes)."""
    report = _lock(report)
    if report.status != ReportStatus.SUBMITTED:
        raise WorkflowError(_("Only a submitted report can be marked as reviewed."))
    if _user(actor) is None:
        raise WorkflowError(_("A review needs a person who signs for it."))
    if actor.pk in report_contributors(report):
        raise WorkflowError(_four_eyes_refusal())
    return _set_status(report, ReportStatus.REVIEWED, actor=actor, request=request)


@transaction.atomic
def return_to_draft(report, *, actor, request=None):
    """A reviewer sends a submitted report back for changes."""
    report = _lock(report)
    if report.status != ReportStatus.SUBMITTED:
        raise WorkflowError(_("Only a submitted report can be returned for changes."))
    return _set_status(report, ReportStatus.DRAFT, actor=actor, request=request)


@transaction.atomic
def reopen_report(report, *, actor, request=None):
    """Reviewed -> draft for corrections. A shared report is withdrawn from the
    network first: the network only ever sees reviewed reports."""
    report = _lock(report)
    if report.status != ReportStatus.REVIEWED:
        raise WorkflowError(_("Only a reviewed report can be reopened."))
    if report.audience == ReportAudience.NETWORK:
        _set_audience(report, ReportAudience.WORKSPACE, actor=actor, request=request)
    _cancel_pending_share(report, actor=actor, request=request)
    return _set_status(report, ReportStatus.DRAFT, actor=actor, request=request)


def _set_audience(report, audience, *, actor, request):
    old = report.audience
    report.audience = audience
    report.shared_at = timezone.now() if audience == ReportAudience.NETWORK else None
    report.revision += 1
    report.save()
    _history(report, actor, ChangeKind.AUDIENCE, field="audience", old=old, new=audience)
    _activity(report, actor, audience)
    action = (
        audit_actions.REPORT_SHARED
        if audience == ReportAudience.NETWORK
        else audit_actions.REPORT_WITHDRAWN
    )
    audit.record(actor, action, target=report, audience=audience)
    _changed()
    return report


def pending_share(report):
    """The request waiting for the office's approval, or None."""
    return ShareApproval.objects.pending().filter(report_id=report.pk).first()


def require_shareable(report):
    """What must hold, at request and at approval, for the network to get it."""
    if report.status != ReportStatus.REVIEWED:
        raise WorkflowError(_("Only a reviewed report can be shared with the network."))
    if report.audience == ReportAudience.NETWORK:
        raise WorkflowError(_("This report is already shared with the network."))
    # Defence in depth: review_report refuses contributors already, but a
    # report reviewed before that rule, or by a since-deleted account, must
    # be reviewed again by a second person before it leaves the workspace.
    if report.reviewed_by_id is None or report.reviewed_by_id in report_contributors(report):
        raise WorkflowError(
            _(
                "This report was not reviewed by a second person. Reopen it and have "
                "someone who did not write or change it review it before sharing."
            )
        )


@transaction.atomic
def share_report(report, *, actor, request=None):
    """Reviewed -> shared with the network; or, when the office must approve
    (PORTAL_SHARING_REQUIRES_OFFICE_APPROVAL), -> waiting for the office, still
    seen by the workspace only. Returns the report."""
    report = _lock(report)
    require_shareable(report)
    if pending_share(report) is not None:
        raise WorkflowError(_("This report is already waiting for the office's approval."))
    if settings.PORTAL_SHARING_REQUIRES_OFFICE_APPROVAL:
        approval = ShareApproval.objects.create(report=report, requested_by=_user(actor))
        _history(report, actor, ChangeKind.SHARE_REQUESTED)
        _activity(report, actor, ShareApprovalState.PENDING)
        audit.record(
            actor,
            audit_actions.REPORT_SHARE_REQUESTED,
            target=report,
            approval=approval.pk,
            cases=report.cases.count(),
        )
        return report
    return _set_audience(report, ReportAudience.NETWORK, actor=actor, request=request)


def _cancel_pending_share(report, *, actor, request):
    approval = pending_share(report)
    if approval is None:
        return None
    approval.state = ShareApprovalState.CANCELLED
    approval.decided_by = _user(actor)
    approval.decided_at = timezone.now()
    approval.save(update_fields=["state", "decided_by", "decided_at"])
    _history(report, actor, ChangeKind.SHARE_CANCELLED)
    audit.record(actor, audit_actions.REPORT_SHARE_CANCELLED, target=report, approval=approval.pk)
    return approval


@transaction.atomic
def withdraw_report(report, *, actor, request=None):
    """Take a report off the network, or take back its request to the office."""
    report = _lock(report)
    if report.audience != ReportAudience.NETWORK:
        if _cancel_pending_share(report, actor=actor, request=request) is not None:
            return report
        raise WorkflowError(_("This report is not shared with the network."))
    return _set_audience(report, ReportAudience.WORKSPACE, actor=actor, request=request)


def _lock_pending(approval):
    locked = (
        ShareApproval.objects.select_for_update()
        .select_related("report__workspace")
        .get(pk=approval.pk)
    )
    if locked.state != ShareApprovalState.PENDING:
        raise WorkflowError(_("This request has already been decided or cancelled."))
    return locked


def _require_coordinator(actor, report):
    if not is_network_coordinator(actor):
        raise WorkflowError(_("Only a network coordinator of the office can decide on sharing."))
    if actor.pk in report_contributors(report):
        raise WorkflowError(
            _("You wrote or changed this report, so another coordinator must decide.")
        )


@transaction.atomic
def approve_share(approval, *, actor, request=None):
    """The office lets a waiting report reach the network."""
    report = _lock(approval.report)
    approval = _lock_pending(approval)
    _require_coordinator(actor, report)
    require_shareable(report)
    approval.state = ShareApprovalState.APPROVED
    approval.decided_by = actor
    approval.decided_at = timezone.now()
    approval.save(update_fields=["state", "decided_by", "decided_at"])
    audit.record(actor, audit_actions.REPORT_SHARE_APPROVED, target=report, approval=approval.pk)
    return _set_audience(report, ReportAudience.NETWORK, actor=actor, request=request)


@transaction.atomic
def decline_share(approval, *, actor, reason, request=None):
    """The office keeps a waiting report inside its workspace, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Say why sharing is declined: the workspace reads the reason."))
    report = _lock(approval.report)
    approval = _lock_pending(approval)
    _require_coordinator(actor, report)
    # The reason is read by the whole workspace: the same guard as comments.
    check_personal_data({"reason": reason})
    approval.state = ShareApprovalState.DECLINED
    approval.decided_by = actor
    approval.decided_at = timezone.now()
    approval.reason = reason
    approval.full_clean()
    approval.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    _history(report, actor, ChangeKind.SHARE_DECLINED)
    _activity(report, actor, ShareApprovalState.DECLINED)
    # The reason stays on the request; the audit log keeps ids only.
    audit.record(actor, audit_actions.REPORT_SHARE_DECLINED, target=report, approval=approval.pk)
    return approval


def record_view(report, *, user, request=None):
    audit.record(user, audit_actions.REPORT_VIEWED, target=report)


# --- Case records ----------------------------------------------------------------

CASE_CODED_FIELDS = tuple(c.field for c in vocab.CODED_COLUMNS)


def case_snapshot(record):
    """Field -> stored value (flag groups as ";"-joined CTDC columns), for the history."""
    values = {name: getattr(record, name) for name in CASE_CODED_FIELDS}
    for group in vocab.FLAG_GROUPS:
        values[group.key] = ";".join(record.flags(group))
    return values


@transaction.atomic
def add_case(report, *, actor, values, request=None):
    report = _lock(report)
    _require_draft(report, _("adding case records"))
    record = CaseRecord(report=report, **values)
    record.full_clean()
    record.save()
    _history(report, actor, ChangeKind.CASE_ADDED, case_record_id=record.pk)
    audit.record(actor, audit_actions.REPORT_CHANGED, target=report, case_record_added=record.pk)
    _touch(report)
    return record


@transaction.atomic
def update_case(record, *, actor, values, request=None):
    report = _lock(record.report)
    _require_draft(report, _("changing case records"))
    # The history compares with what is stored, not with ``record``: a bound
    # ModelForm has already written the new values onto the instance it was given.
    before = case_snapshot(CaseRecord.objects.select_for_update().get(pk=record.pk))
    for name, value in values.items():
        setattr(record, name, value)
    record.full_clean()
    record.save()
    after = case_snapshot(record)
    changed = [name for name in before if before[name] != after[name]]
    for name in changed:
        _history(
            report,
            actor,
            ChangeKind.CASE_CHANGED,
            field=name,
            old=before[name],
            new=after[name],
            case_record_id=record.pk,
        )
    if changed:
        audit.record(
            actor,
            audit_actions.REPORT_CHANGED,
            target=report,
            case_record_changed=record.pk,
            fields=changed,
        )
        _touch(report)
    return record


@transaction.atomic
def delete_case(record, *, actor, request=None):
    report = _lock(record.report)
    _require_draft(report, _("deleting case records"))
    pk = record.pk
    record.delete()
    _history(report, actor, ChangeKind.CASE_DELETED, case_record_id=pk)
    audit.record(actor, audit_actions.REPORT_CHANGED, target=report, case_record_deleted=pk)
    _touch(report)


def _touch(report):
    """Case records feed the report's search document and the statistics."""
    report.save(update_fields=["updated_at"])
    _changed()


@transaction.atomic
def import_cases(report, records, *, actor, file_format, replace=False, via="web", request=None):
    """Store validated records (``CaseRecord`` instances without a report) in one
    transaction: all of them or, if anything fails, none."""
    report = _lock(report)
    _require_draft(report, _("importing case records"))
    before = report.cases.count()
    if replace:
        report.cases.all().delete()
    for record in records:
        record.report = report
    CaseRecord.objects.bulk_create(records, batch_size=500)
    after = report.cases.count()
    _history(report, actor, ChangeKind.IMPORTED, field="cases", old=before, new=after)
    audit.record(
        actor,
        audit_actions.CASES_IMPORTED,
        target=report,
        rows=len(records),
        format=file_format,
        replaced=before if replace else 0,
        via=via,
    )
    _touch(report)
    return after


# --- Comments --------------------------------------------------------------------


@transaction.atomic
def add_comment(report, *, actor, body, request=None):
    check_personal_data({"body": body})
    return ReportComment.objects.create(
        report=report, author=_user(actor), author_name=_actor_name(actor), body=body
    )


@transaction.atomic
def delete_comment(comment, *, actor, request=None):
    report = comment.report
    comment.delete()
    _history(report, actor, ChangeKind.COMMENT_DELETED)


# --- Attachments -----------------------------------------------------------------


def attach_upload(report, uploaded_file, *, actor, description="", request=None):
    """Store an upload as a workspace file (checked, audited by the members'
    files module) and attach it to a draft report."""
    from portal.members.files import store_upload

    _require_draft(report, _("attaching files"))
    # File names and descriptions are read by everyone in the workspace.
    check_personal_data({"file": uploaded_file.name or "", "description": description})
    stored = store_upload(report.workspace, uploaded_file, actor, description, request=request)
    try:
        return attach_file(report, stored, actor=actor, request=request)
    except Exception:
        stored.delete()
        raise


@transaction.atomic
def attach_file(report, stored, *, actor, request=None):
    """Attach a file already in the report's workspace."""
    report = _lock(report)
    _require_draft(report, _("attaching files"))
    if stored.workspace_id != report.workspace_id:
        raise WorkflowError(_("Only files of this workspace can be attached."))
    attachment, created = ReportAttachment.objects.get_or_create(
        report=report, file=stored, defaults={"attached_by": _user(actor)}
    )
    if created:
        _history(report, actor, ChangeKind.ATTACHMENT_ADDED, field="attachment", new=stored.pk)
        audit.record(actor, audit_actions.REPORT_CHANGED, target=report, file_attached=stored.pk)
    return attachment


def reports_keeping_file(stored):
    """Submitted or reviewed reports that hold ``stored`` as an attachment.
    Their rows are locked, so none of them can be submitted while the caller
    (deleting the file) decides; call inside a transaction."""
    holders = (
        MonitoringReport.objects.select_for_update(of=("self",))
        .filter(attachments__file=stored)
        .order_by("pk")
    )
    return [report for report in holders if report.status != ReportStatus.DRAFT]


@transaction.atomic
def detach_file(attachment, *, actor, request=None):
    """Take a file off a draft report; it stays among the workspace's files."""
    report = _lock(attachment.report)
    _require_draft(report, _("detaching files"))
    file_id = attachment.file_id
    attachment.delete()
    _history(report, actor, ChangeKind.ATTACHMENT_REMOVED, field="attachment", old=file_id)
    audit.record(actor, audit_actions.REPORT_CHANGED, target=report, file_detached=file_id)
