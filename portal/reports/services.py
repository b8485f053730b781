"""Every change to a report goes through here: workflow rules, the edit history,
the audit log and the statistics cache stay in step in one transaction.

Each function asks portal.reports.policy first (who may, and may they now) and
raises its refusal (portal.core.policy.ActionRefused; WorkflowError when the
report's state or the four eyes forbid it), so a page, the API, a command and
a test get the same answer. ``actor=None`` is the system: no role rules, the
rest as for anyone. Personal data is refused whatever the caller.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.members import activity, audit

from . import audit_actions, pii, policy
from . import vocabulary as vocab
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
from .policy import WorkflowError

REPORT_TEXT_FIELDS = ("title", "region", "summary")
REPORT_EDITABLE_FIELDS = ("title", "period_start", "period_end", "country", "region", "summary")


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


def _activity(report, actor, verb):
    # Labels registered in ReportsConfig.ready. No title: the stream is read by
    # the whole workspace and the report page is one click away.
    if verb:
        activity.record(report.workspace, actor, verb, notify=False)


def check_personal_data(values):
    findings = pii.scan_fields(values)
    if findings:
        raise PersonalDataFound(findings)


def _lock(report):
    """Reload the report with a row lock so concurrent workflow actions serialise."""
    return (
        MonitoringReport.objects.select_for_update().select_related("workspace").get(pk=report.pk)
    )


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --- Reports ---------------------------------------------------------------------


@transaction.atomic
def create_report(workspace, *, actor, **fields):
    policy.decide_create(actor, workspace).require()
    check_personal_data({name: fields.get(name, "") for name in REPORT_TEXT_FIELDS})
    report = MonitoringReport(workspace=workspace, created_by=_user(actor), **fields)
    report.full_clean()
    report.save()
    _history(report, actor, ChangeKind.CREATED)
    audit.record(actor, audit_actions.REPORT_CREATED, target=report, workspace=workspace)
    return report


@transaction.atomic
def update_report(report, *, actor, changes, revision=None):
    """Apply ``changes`` (field -> new value) to a draft; one history row per
    changed field. ``revision`` is the revision the form was opened at."""
    report = _lock(report)
    policy.require("edit", actor, report)
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
    return report


# --- The workflow: one function for every move of policy.TRANSITIONS ----------------


@transaction.atomic
def transition(report, name, *, actor, approval=None, reason=""):
    """Move ``report`` by the transition ``name`` (a key of
    ``policy.TRANSITIONS``, or the buttons "share" and "withdraw") after the
    policy allows it; everything it changes is written in this transaction.
    ``approval``: the office's request being decided (approve, decline)."""
    report = _lock(report)
    if approval is not None:
        approval = _lock_pending(approval, report)
    stage_now = policy.stage(report)
    move = policy.move_for(name, report, stage_now)
    policy.decide_transition(move.name, actor, report, stage_now=stage_now).require()
    if move.effect in (policy.APPROVE, policy.DECLINE) and approval is None:
        approval = _lock_pending(pending_share(report), report)
    if move.scans_texts:
        check_personal_data({field: getattr(report, field) for field in REPORT_TEXT_FIELDS})
    if move.effect == policy.DECLINE:
        # The reason is read by the whole workspace: the same guard as comments.
        check_personal_data({"reason": reason})
    return _apply(report, move, actor, stage_now, approval=approval, reason=reason)


def _apply(report, move, actor, stage_now, *, approval=None, reason=""):
    """What ``move`` changes; the policy has allowed it."""
    first = move.leaving.get(stage_now)
    if first:
        _apply(report, policy.TRANSITIONS[first], actor, stage_now)
    effect = move.effect
    result = report
    if effect == policy.SET_STATUS:
        _set_status(report, move, actor)
    elif effect in (policy.TO_NETWORK, policy.TO_WORKSPACE):
        _set_audience(report, move, actor)
    elif effect == policy.REQUEST_APPROVAL:
        approval = ShareApproval.objects.create(report=report, requested_by=_user(actor))
        _history(report, actor, ChangeKind.SHARE_REQUESTED)
        _activity(report, actor, move.activity_verb)
        audit.record(
            actor,
            move.audit_action,
            target=report,
            approval=approval.pk,
            cases=report.cases.count(),
        )
    elif effect == policy.CANCEL_APPROVAL:
        _decide_approval(pending_share(report), ShareApprovalState.CANCELLED, move, actor)
    elif effect == policy.APPROVE:
        _decide_approval(approval, ShareApprovalState.APPROVED, move, actor)
    elif effect == policy.DECLINE:
        result = _decide_approval(approval, ShareApprovalState.DECLINED, move, actor, reason=reason)
    if move.then:
        _apply(report, policy.TRANSITIONS[move.then], actor, move.target)
    return result


def _set_status(report, move, actor):
    old_status = report.status
    new_status = move.target
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
    _activity(report, actor, move.activity_verb)
    audit.record(actor, move.audit_action, target=report, previous=old_status, status=new_status)


def _set_audience(report, move, actor):
    audience = (
        ReportAudience.NETWORK if move.effect == policy.TO_NETWORK else ReportAudience.WORKSPACE
    )
    old = report.audience
    report.audience = audience
    report.shared_at = timezone.now() if audience == ReportAudience.NETWORK else None
    report.revision += 1
    report.save()
    _history(report, actor, ChangeKind.AUDIENCE, field="audience", old=old, new=audience)
    _activity(report, actor, move.activity_verb)
    audit.record(actor, move.audit_action, target=report, audience=audience)


def _decide_approval(approval, state, move, actor, *, reason=""):
    approval.state = state
    approval.decided_by = _user(actor)
    approval.decided_at = timezone.now()
    fields = ["state", "decided_by", "decided_at"]
    if state == ShareApprovalState.DECLINED:
        approval.reason = reason
        approval.full_clean()
        fields.append("reason")
    approval.save(update_fields=fields)
    kind = policy.HISTORY_KINDS.get(move.effect)
    if kind:
        _history(approval.report, actor, kind)
    _activity(approval.report, actor, move.activity_verb)
    # A declined request keeps its reason; the audit log keeps ids only.
    audit.record(actor, move.audit_action, target=approval.report, approval=approval.pk)
    return approval


def pending_share(report):
    """The request waiting for the office's approval, or None."""
    return ShareApproval.objects.pending().filter(report_id=report.pk).first()


def _lock_pending(approval, report):
    locked = ShareApproval.objects.select_for_update().get(pk=approval.pk)
    if locked.state != ShareApprovalState.PENDING or locked.report_id != report.pk:
        raise WorkflowError(_("This request has already been decided or cancelled."))
    locked.report = report
    return locked


def submit_report(report, *, actor):
    """Draft -> submitted."""
    return transition(report, "submit", actor=actor)


def review_report(report, *, actor):
    """Submitted -> reviewed, by a second person: never by someone who created
    or changed the report or its case records (portal.reports.four_eyes)."""
    return transition(report, "review", actor=actor)


def return_to_draft(report, *, actor):
    """A reviewer sends a submitted report back for changes."""
    return transition(report, "return", actor=actor)


def reopen_report(report, *, actor):
    """Reviewed -> draft for corrections. A shared report is withdrawn from the
    network first, a request to the office cancelled: the network only ever
    sees reviewed reports."""
    return transition(report, "reopen", actor=actor)


def share_report(report, *, actor):
    """Reviewed -> shared with the network; or, when the office must approve
    (PORTAL_SHARING_REQUIRES_OFFICE_APPROVAL), -> waiting for the office, still
    seen by the workspace only. Returns the report."""
    return transition(report, "share", actor=actor)


def withdraw_report(report, *, actor):
    """Take a report off the network, or take back its request to the office."""
    return transition(report, "withdraw", actor=actor)


def approve_share(approval, *, actor):
    """The office lets a waiting report reach the network."""
    return transition(approval.report, "approve_share", actor=actor, approval=approval)


def decline_share(approval, *, actor, reason):
    """The office keeps a waiting report inside its workspace, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Say why sharing is declined: the workspace reads the reason."))
    return transition(
        approval.report, "decline_share", actor=actor, approval=approval, reason=reason
    )


def record_view(report, *, user):
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
def add_case(report, *, actor, values):
    report = _lock(report)
    policy.require("change_cases", actor, report)
    record = CaseRecord(report=report, **values)
    record.full_clean()
    record.save()
    _history(report, actor, ChangeKind.CASE_ADDED, case_record_id=record.pk)
    audit.record(actor, audit_actions.REPORT_CHANGED, target=report, case_record_added=record.pk)
    _touch(report)
    return record


@transaction.atomic
def update_case(record, *, actor, values):
    report = _lock(record.report)
    policy.require("change_cases", actor, report)
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
def delete_case(record, *, actor):
    report = _lock(record.report)
    policy.require("change_cases", actor, report)
    pk = record.pk
    record.delete()
    _history(report, actor, ChangeKind.CASE_DELETED, case_record_id=pk)
    audit.record(actor, audit_actions.REPORT_CHANGED, target=report, case_record_deleted=pk)
    _touch(report)


def _touch(report):
    """Case records feed the report's search document and the statistics."""
    report.save(update_fields=["updated_at"])


@transaction.atomic
def import_cases(report, records, *, actor, file_format, replace=False, via="web"):
    """Store validated records (``CaseRecord`` instances without a report) in one
    transaction: all of them or, if anything fails, none."""
    report = _lock(report)
    policy.require("change_cases", actor, report)
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
def add_comment(report, *, actor, body):
    policy.require("comment", actor, report)
    check_personal_data({"body": body})
    return ReportComment.objects.create(
        report=report, author=_user(actor), author_name=_actor_name(actor), body=body
    )


@transaction.atomic
def delete_comment(comment, *, actor):
    report = comment.report
    policy.decide_delete_comment(actor, comment).require()
    comment.delete()
    _history(report, actor, ChangeKind.COMMENT_DELETED)


# --- Attachments -----------------------------------------------------------------


def attach_upload(report, uploaded_file, *, actor, description=""):
    """Store an upload as a workspace file (checked, audited by the members'
    files module) and attach it to a draft report."""
    from portal.members.files import store_upload

    policy.require("attach", actor, report)
    # File names and descriptions are read by everyone in the workspace.
    check_personal_data({"file": uploaded_file.name or "", "description": description})
    stored = store_upload(report.workspace, uploaded_file, actor, description)
    try:
        return attach_file(report, stored, actor=actor)
    except Exception:
        stored.delete()
        raise


@transaction.atomic
def attach_file(report, stored, *, actor):
    """Attach a file already in the report's workspace."""
    report = _lock(report)
    policy.require("attach", actor, report)
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
def detach_file(attachment, *, actor):
    """Take a file off a draft report; it stays among the workspace's files."""
    report = _lock(attachment.report)
    policy.require("detach", actor, report)
    file_id = attachment.file_id
    attachment.delete()
    _history(report, actor, ChangeKind.ATTACHMENT_REMOVED, field="attachment", old=file_id)
    audit.record(actor, audit_actions.REPORT_CHANGED, target=report, file_detached=file_id)
