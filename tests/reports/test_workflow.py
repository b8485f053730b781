"""The report workflow (draft -> submitted -> reviewed), sharing with the network,
the edit history and the audit log, through the services."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from portal.members.models import AuditEvent
from portal.reports import audit_actions as report_actions
from portal.reports import services
from portal.reports.models import ChangeKind, MonitoringReport, ReportChange
from tests.reports.factories import add_cases, case_values, make_report, workspace_with_roles

pytestmark = pytest.mark.django_db


def actions(report):
    return list(
        AuditEvent.objects.filter(target_type="reports.monitoringreport", target_id=str(report.pk))
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


def test_a_report_goes_from_draft_to_reviewed_and_is_shared_explicitly():
    workspace, people = workspace_with_roles()
    report = make_report(workspace, author=people["member"])
    assert (report.status, report.audience) == ("draft", "workspace")
    report = services.submit_report(report, actor=people["member"])
    assert report.status == "submitted" and report.submitted_at
    report = services.review_report(report, actor=people["manager"])
    assert report.status == "reviewed" and report.reviewed_by == people["manager"]
    assert report.audience == "workspace"  # reviewing does not share
    report = services.share_report(report, actor=people["manager"])
    assert report.audience == "network" and report.shared_at
    assert report.audiences() == (f"workspace:{workspace.pk}", "network")
    report = services.withdraw_report(report, actor=people["manager"])
    assert report.audience == "workspace" and report.shared_at is None
    assert report.audiences() == (f"workspace:{workspace.pk}",)
    assert actions(report) == [
        report_actions.REPORT_CREATED,
        report_actions.REPORT_STATUS_CHANGED,
        report_actions.REPORT_STATUS_CHANGED,
        report_actions.REPORT_SHARED,
        report_actions.REPORT_WITHDRAWN,
    ]


def test_only_reviewed_reports_can_be_shared():
    for status in ("draft", "submitted"):
        report = make_report(status=status)
        with pytest.raises(services.WorkflowError):
            services.share_report(report, actor=None)
        assert MonitoringReport.objects.get(pk=report.pk).audience == "workspace"


def test_the_database_refuses_a_shared_report_that_is_not_reviewed():
    report = make_report(audience="network")
    with pytest.raises(IntegrityError), transaction.atomic():
        MonitoringReport.objects.filter(pk=report.pk).update(status="draft")


def test_reopening_a_shared_report_withdraws_it_first():
    report = make_report(audience="network")
    report = services.reopen_report(report, actor=None)
    assert (report.status, report.audience) == ("draft", "workspace")
    assert actions(report)[-2:] == [
        report_actions.REPORT_WITHDRAWN,
        report_actions.REPORT_STATUS_CHANGED,
    ]


def test_a_reviewer_can_return_a_submitted_report_for_changes():
    report = make_report(status="submitted")
    report = services.return_to_draft(report, actor=None)
    assert report.status == "draft"
    with pytest.raises(services.WorkflowError):
        services.return_to_draft(report, actor=None)


def test_wrong_state_transitions_are_refused():
    draft = make_report()
    with pytest.raises(services.WorkflowError):
        services.review_report(draft, actor=None)
    with pytest.raises(services.WorkflowError):
        services.reopen_report(draft, actor=None)
    with pytest.raises(services.WorkflowError):
        services.withdraw_report(draft, actor=None)
    submitted = make_report(status="submitted")
    with pytest.raises(services.WorkflowError):
        services.submit_report(submitted, actor=None)
    with pytest.raises(services.WorkflowError):
        services.update_report(submitted, actor=None, changes={"title": "New"})


def test_edits_are_recorded_field_by_field_with_old_and_new_values():
    workspace, people = workspace_with_roles()
    report = make_report(workspace, title="Old title", region="Osh")
    services.update_report(
        report,
        actor=people["member"],
        changes={"title": "New title", "region": "Osh", "period_end": datetime.date(2024, 4, 30)},
        revision=report.revision,
    )
    changes = ReportChange.objects.filter(report=report, kind=ChangeKind.FIELD).order_by("field")
    assert [(c.field, c.old_value, c.new_value, c.actor) for c in changes] == [
        ("period_end", "2024-03-31", "2024-04-30", people["member"]),
        ("title", "Old title", "New title", people["member"]),
    ]
    event = AuditEvent.objects.filter(
        action=report_actions.REPORT_CHANGED, target_id=str(report.pk)
    ).get()
    assert sorted(event.details["fields"]) == ["period_end", "title"]
    assert "New title" not in str(event.details)  # the audit log holds names, not content


def test_a_stale_form_cannot_overwrite_a_newer_save():
    report = make_report(title="First")
    opened_at = report.revision
    services.update_report(report, actor=None, changes={"title": "Second"}, revision=opened_at)
    with pytest.raises(services.StaleEdit):
        services.update_report(report, actor=None, changes={"title": "Third"}, revision=opened_at)
    assert MonitoringReport.objects.get(pk=report.pk).title == "Second"


def test_personal_data_is_refused_on_create_edit_and_submit():
    with pytest.raises(services.PersonalDataFound) as found:
        make_report(summary="Her phone is +996 555 123 456.")
    assert list(found.value.findings) == ["summary"]
    report = make_report()
    with pytest.raises(services.PersonalDataFound):
        services.update_report(report, actor=None, changes={"title": "Case of a@b.kg"})
    # Text saved before the guard learnt a pattern is still caught at submission.
    MonitoringReport.objects.filter(pk=report.pk).update(summary="Родилась 05.11.1998")
    with pytest.raises(services.PersonalDataFound):
        services.submit_report(MonitoringReport.objects.get(pk=report.pk), actor=None)
    assert MonitoringReport.objects.get(pk=report.pk).status == "draft"


def test_case_records_change_only_in_a_draft_and_leave_a_history():
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    record = services.add_case(report, actor=people["member"], values=case_values())
    services.update_case(
        record,
        actor=people["member"],
        values={"age_band": "30--38", "is_sexual_exploit": True},
    )
    services.delete_case(record, actor=people["member"])
    kinds = list(
        ReportChange.objects.filter(report=report)
        .exclude(kind=ChangeKind.CREATED)
        .order_by("at", "pk")
        .values_list("kind", "field", "old_value", "new_value")
    )
    assert kinds == [
        (ChangeKind.CASE_ADDED, "", "", ""),
        (ChangeKind.CASE_CHANGED, "age_band", "24--26", "30--38"),
        (
            ChangeKind.CASE_CHANGED,
            "exploitation",
            "isForcedLabour",
            "isForcedLabour;isSexualExploit",
        ),
        (ChangeKind.CASE_DELETED, "", "", ""),
    ]
    submitted = make_report(workspace, status="submitted")
    with pytest.raises(services.WorkflowError):
        services.add_case(submitted, actor=None, values=case_values())
    [locked] = add_cases(submitted)
    with pytest.raises(services.WorkflowError):
        services.update_case(locked, actor=None, values={"gender": "Female"})
    with pytest.raises(services.WorkflowError):
        services.delete_case(locked, actor=None)


def test_comments_are_guarded_and_their_removal_is_recorded():
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    with pytest.raises(services.PersonalDataFound):
        services.add_comment(report, actor=people["member"], body="Call her on 0555 123 456")
    comment = services.add_comment(report, actor=people["member"], body="Checked with the shelter.")
    assert comment.author_name == str(people["member"])
    services.delete_comment(comment, actor=people["manager"])
    assert not report.comments.exists()
    assert ReportChange.objects.filter(report=report, kind=ChangeKind.COMMENT_DELETED).exists()


def test_workflow_steps_appear_in_the_workspace_activity_stream(client):
    workspace, people = workspace_with_roles()
    make_report(workspace, author=people["member"], audience="network")
    from portal.members.models import Activity

    verbs = list(Activity.objects.filter(workspace=workspace).values_list("verb", flat=True))
    assert {"report_submitted", "report_reviewed", "report_shared"} <= set(verbs)
    client.force_login(people["observer"])
    html = client.get(workspace.get_absolute_url()).content.decode()
    assert "shared a monitoring report with the network" in html
