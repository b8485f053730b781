"""Retention: what is past its period is removed everywhere and leaves a
tombstone; what is held, or still inside its period, stays.

Everything runs against the real PostgreSQL, the real Elasticsearch node (a
private alias per test) and the database mirror of the index.
"""

import datetime
import json
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from portal.core import periodic, retention
from portal.core.roles import NETWORK_COORDINATORS
from portal.members import retention as members_retention
from portal.members.models import AuditEvent, Discussion, Workspace, WorkspaceFile
from portal.reports import services
from portal.reports.models import CaseRecord, MonitoringReport, ReportAttachment, ReportChange
from portal.search import index, queue
from portal.search.client import get_client
from portal.search.models import SearchRecord
from tests.factories import UserFactory, add_member, make_comment, make_discussion, make_workspace
from tests.reports.factories import add_cases, make_report
from tests.search_indices import private_alias

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Kara-Suu bazaar zebrafinch"  # a title that must never reach the tombstone
LONG_AGO = timezone.now() - datetime.timedelta(days=5 * 365 + 30)


@pytest.fixture(autouse=True)
def private_media(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def es_index(settings):
    with private_alias("ret") as prefix:
        settings.SEARCH_INDEX_PREFIX = prefix
        index.ensure_index()
        yield prefix


def indexed(doc_id):
    client = get_client()
    client.indices.refresh(index=index.alias_name())
    response = client.options(ignore_status=404).get(index=index.alias_name(), id=doc_id)
    return response.get("found", False)


def coordinator():
    person = UserFactory(is_staff=True)
    person.groups.add(Group.objects.get_or_create(name=NETWORK_COORDINATORS)[0])
    return person


def age_report(report, when=LONG_AGO):
    """As if nobody had touched the report (nor its history and cases) since ``when``."""
    MonitoringReport.objects.filter(pk=report.pk).update(updated_at=when)
    ReportChange.objects.filter(report=report).update(at=when)
    CaseRecord.objects.filter(report=report).update(updated_at=when)


def report_with_everything(author=None):
    """A submitted report with case records, history and an attached file, indexed."""
    report = make_report(title=SECRET_TITLE, author=author)
    add_cases(report, 3)
    upload = SimpleUploadedFile("interview-notes.txt", b"zebrafinch notes\n", "text/plain")
    author = report.workspace.memberships.get(role="owner").user
    attachment = services.attach_upload(report, upload, actor=author)
    services.submit_report(MonitoringReport.objects.get(pk=report.pk), actor=author)
    return MonitoringReport.objects.get(pk=report.pk), attachment.file


def purge(**kwargs):
    out = StringIO()
    call_command("purge_expired", stdout=out, **kwargs)
    return out.getvalue()


def tombstones():
    return AuditEvent.objects.filter(action=members_retention.RETENTION_PURGED)


def test_an_expired_report_is_removed_everywhere_and_leaves_a_tombstone(
    es_index, django_capture_on_commit_callbacks, private_media
):
    with django_capture_on_commit_callbacks(execute=True):
        report, stored = report_with_everything()
    queue.drain(due_only=False)
    doc_id = f"report-{report.pk}"
    path = private_media / stored.file.name
    assert path.exists()
    assert indexed(doc_id)
    assert SearchRecord.objects.live().filter(doc_id=doc_id).exists()
    assert ReportChange.objects.filter(report_id=report.pk).exists()
    age_report(report)

    with django_capture_on_commit_callbacks(execute=True):
        output = purge()
    queue.drain(due_only=False)

    assert "reports: 1 removed" in output
    assert not MonitoringReport.objects.filter(pk=report.pk).exists()
    assert not CaseRecord.objects.filter(report_id=report.pk).exists()
    assert not ReportChange.objects.filter(report_id=report.pk).exists()
    assert not ReportAttachment.objects.filter(report_id=report.pk).exists()
    assert not WorkspaceFile.objects.filter(pk=stored.pk).exists()
    assert not path.exists()
    assert not indexed(doc_id)
    assert not SearchRecord.objects.live().filter(doc_id=doc_id).exists()

    tombstone = tombstones().get()
    assert tombstone.details["retention_kind"] == "reports"
    assert tombstone.details["purged_id"] == str(report.pk)
    assert tombstone.details["retention_days"] == 5 * 365
    assert tombstone.workspace_id == report.workspace_id
    assert tombstone.actor is None


def test_the_tombstone_reveals_no_content_of_what_was_purged(private_media):
    report, stored = report_with_everything()
    age_report(report)
    purge()
    written = json.dumps(
        list(tombstones().values("target_type", "target_id", "target_repr", "details")),
        default=str,
    )
    assert SECRET_TITLE not in written
    assert "Kara-Suu" not in written
    assert "interview-notes" not in written
    assert "Monitoring visits" not in written  # the summary


def test_a_report_under_legal_hold_is_kept(private_media):
    report, stored = report_with_everything()
    members_retention.set_legal_hold(coordinator(), report, True)
    age_report(report)
    output = purge()
    assert MonitoringReport.objects.filter(pk=report.pk).exists()
    assert CaseRecord.objects.filter(report=report).count() == 3
    assert (private_media / stored.file.name).exists()
    assert "reports: 0 removed" in output
    assert not tombstones().exists()


def test_a_report_in_a_held_workspace_is_kept(private_media):
    report, _ = report_with_everything()
    members_retention.set_legal_hold(coordinator(), report.workspace, True)
    age_report(report)
    purge()
    assert MonitoringReport.objects.filter(pk=report.pk).exists()


def test_a_report_inside_its_period_is_kept(private_media):
    report, stored = report_with_everything()
    age_report(report, timezone.now() - datetime.timedelta(days=5 * 365 - 2))
    purge()
    assert MonitoringReport.objects.filter(pk=report.pk).exists()
    assert (private_media / stored.file.name).exists()


def test_a_recent_case_record_edit_keeps_an_old_report(private_media):
    report, _ = report_with_everything()
    age_report(report)
    CaseRecord.objects.filter(report=report)[:1].get().save()  # touched today
    purge()
    assert MonitoringReport.objects.filter(pk=report.pk).exists()


def test_dry_run_counts_and_deletes_nothing(private_media):
    report, stored = report_with_everything()
    age_report(report)
    output = purge(dry_run=True)
    assert "reports: 1 would be removed" in output
    assert MonitoringReport.objects.filter(pk=report.pk).exists()
    assert (private_media / stored.file.name).exists()
    assert not tombstones().exists()


def test_a_second_run_removes_nothing_and_writes_no_second_tombstone(private_media):
    report, _ = report_with_everything()
    age_report(report)
    purge()
    output = purge()
    assert "reports: 0 removed" in output
    assert tombstones().count() == 1


def test_a_hold_set_after_the_list_was_made_still_wins(private_media):
    """The purge asks again under the row lock, so a hold set while it runs is obeyed."""
    report, _ = report_with_everything()
    age_report(report)
    kind = retention.get("reports")
    MonitoringReport.objects.filter(pk=report.pk).update(legal_hold=True)
    assert retention.purge_one(kind, report.pk) is False
    assert MonitoringReport.objects.filter(pk=report.pk).exists()


def test_a_file_attached_to_another_report_too_stays_with_that_report(private_media):
    report, stored = report_with_everything()
    author = report.workspace.memberships.get(role="owner").user
    other = make_report(report.workspace, author=author)
    services.attach_file(other, stored, actor=author)
    age_report(report)
    purge()
    assert not MonitoringReport.objects.filter(pk=report.pk).exists()
    assert WorkspaceFile.objects.filter(pk=stored.pk).exists()
    assert (private_media / stored.file.name).exists()


def test_old_files_and_discussions_go_but_not_in_a_held_workspace(private_media):
    from tests.factories import make_file

    kept = make_workspace()
    gone = make_workspace()
    members_retention.set_legal_hold(coordinator(), kept, True)
    for workspace in (kept, gone):
        make_file(workspace, name="plan.txt")
        make_comment(make_discussion(workspace))
    WorkspaceFile.objects.update(uploaded_at=LONG_AGO)
    Discussion.objects.update(created_at=LONG_AGO)
    from portal.members.models import Comment

    Comment.objects.update(created_at=LONG_AGO)
    gone_file = WorkspaceFile.objects.get(workspace=gone)

    purge()

    assert not WorkspaceFile.objects.filter(workspace=gone).exists()
    assert not (private_media / gone_file.file.name).exists()
    assert not Discussion.objects.filter(workspace=gone).exists()
    assert WorkspaceFile.objects.filter(workspace=kept).count() == 1
    assert Discussion.objects.filter(workspace=kept).count() == 1
    assert set(tombstones().values_list("details__retention_kind", flat=True)) == {
        "workspace_files",
        "discussions",
    }


def test_a_discussion_with_a_recent_comment_is_kept(private_media):
    workspace = make_workspace()
    discussion = make_discussion(workspace)
    Discussion.objects.update(created_at=LONG_AGO)
    make_comment(discussion)
    purge()
    assert Discussion.objects.filter(pk=discussion.pk).exists()


def test_a_long_archived_workspace_goes_with_its_reports_and_files(private_media):
    report, stored = report_with_everything()
    workspace = report.workspace
    Workspace.objects.filter(pk=workspace.pk).update(archived_at=LONG_AGO)
    purge(kinds=["workspaces"])
    assert not Workspace.objects.filter(pk=workspace.pk).exists()
    assert not MonitoringReport.objects.filter(pk=report.pk).exists()
    assert not (private_media / stored.file.name).exists()


def test_an_archived_workspace_with_a_held_report_is_kept(private_media):
    report, _ = report_with_everything()
    members_retention.set_legal_hold(coordinator(), report, True)
    Workspace.objects.filter(pk=report.workspace_id).update(archived_at=LONG_AGO)
    purge(kinds=["workspaces"])
    assert Workspace.objects.filter(pk=report.workspace_id).exists()


def test_a_kind_with_no_period_is_never_purged(private_media, settings):
    settings.PORTAL_RETENTION_DAYS = {**settings.PORTAL_RETENTION_DAYS, "reports": 0}
    report, _ = report_with_everything()
    age_report(report)
    output = purge()
    assert "reports: no retention period set, kept" in output
    assert MonitoringReport.objects.filter(pk=report.pk).exists()


def test_a_manager_acting_alone_cannot_set_or_lift_a_legal_hold(private_media):
    report, _ = report_with_everything()
    workspace = report.workspace
    owner = workspace.memberships.get(role="owner").user
    manager = add_member(workspace, UserFactory(), "manager")
    for person in (owner, manager):
        with pytest.raises(PermissionDenied):
            members_retention.set_legal_hold(person, report, True)
        with pytest.raises(PermissionDenied):
            members_retention.set_legal_hold(person, workspace, True)
    assert not MonitoringReport.objects.get(pk=report.pk).legal_hold

    members_retention.set_legal_hold(coordinator(), report, True)
    with pytest.raises(PermissionDenied):
        members_retention.set_legal_hold(manager, report, False)
    assert MonitoringReport.objects.get(pk=report.pk).legal_hold


def test_setting_and_lifting_a_hold_is_audited():
    workspace = make_workspace()
    person = coordinator()
    members_retention.set_legal_hold(person, workspace, True)
    members_retention.set_legal_hold(person, workspace, False)
    actions = list(
        AuditEvent.objects.filter(workspace=workspace, actor=person)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [members_retention.LEGAL_HOLD_SET, members_retention.LEGAL_HOLD_LIFTED]


def test_the_workspace_settings_form_cannot_lift_a_hold():
    from portal.members.forms import WorkspaceSettingsForm

    assert "legal_hold" not in WorkspaceSettingsForm.base_fields


def test_the_worker_runs_the_purge_daily():
    job = next(job for job in periodic.jobs() if job.name == "retention.purge")
    assert job.interval() == 24 * 3600


def test_the_legal_hold_command_holds_a_report_for_a_coordinator_only(private_media):
    report, _ = report_with_everything()
    manager = add_member(report.workspace, UserFactory(email="mgr@example.org"), "manager")
    with pytest.raises(CommandError):
        call_command("legal_hold", report=report.pk, by=manager.email, stdout=StringIO())
    assert not MonitoringReport.objects.get(pk=report.pk).legal_hold
    person = coordinator()
    call_command("legal_hold", report=report.pk, by=person.email, stdout=StringIO())
    assert MonitoringReport.objects.get(pk=report.pk).legal_hold
    assert AuditEvent.objects.filter(
        action=members_retention.LEGAL_HOLD_SET, actor=person, workspace=report.workspace
    ).exists()


def test_an_expired_workspace_file_leaves_the_index_and_the_mirror(
    es_index, django_capture_on_commit_callbacks, private_media
):
    from tests.factories import make_file

    with django_capture_on_commit_callbacks(execute=True):
        stored = make_file(make_workspace(), name="zebrafinch-plan.txt")
    queue.drain(due_only=False)
    doc_id = f"workspace_file-{stored.pk}"
    assert indexed(doc_id)
    assert SearchRecord.objects.live().filter(doc_id=doc_id).exists()
    WorkspaceFile.objects.filter(pk=stored.pk).update(uploaded_at=LONG_AGO)

    with django_capture_on_commit_callbacks(execute=True):
        purge()
    queue.drain(due_only=False)

    assert not indexed(doc_id)
    assert not SearchRecord.objects.live().filter(doc_id=doc_id).exists()
    assert not (private_media / stored.file.name).exists()
    assert tombstones().get().details["retention_kind"] == "workspace_files"


def test_one_object_that_cannot_go_does_not_stop_the_others(private_media, monkeypatch):
    first, _ = report_with_everything()
    second, _ = report_with_everything()
    age_report(first)
    age_report(second)
    real = retention.get("reports")

    def purge_but_fail_on_first(report):
        if report.pk == first.pk:
            raise RuntimeError("disk trouble")
        return real.purge(report)

    monkeypatch.setitem(
        retention._kinds,
        "reports",
        retention.RetentionKind(
            real.code, real.label, real.closed, real.expired, purge_but_fail_on_first, real.held
        ),
    )
    with pytest.raises(CommandError):
        purge(kinds=["reports"])
    assert MonitoringReport.objects.filter(pk=first.pk).exists()
    assert CaseRecord.objects.filter(report_id=first.pk).count() == 3
    assert not MonitoringReport.objects.filter(pk=second.pk).exists()
    # The failed one's tombstone was rolled back with it.
    assert list(tombstones().values_list("details__purged_id", flat=True)) == [str(second.pk)]
