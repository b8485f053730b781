"""Report attachments are workspace files: stored privately, downloaded only
through the members' permission-checked view, never shown outside the workspace."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.members import audit
from portal.members.models import AuditEvent, WorkspaceFile
from portal.reports import services
from portal.reports.models import ChangeKind, ReportAttachment, ReportChange
from tests.factories import make_file, make_workspace
from tests.reports.factories import make_report, network_user, workspace_with_roles

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def attach_url(report):
    return f"/workspaces/{report.workspace.slug}/reports/{report.pk}/attachments/"


def text_file(name="visit-notes.txt", content=b"Notes from the shelter visit.\n"):
    return SimpleUploadedFile(name, content, content_type="text/plain")


@pytest.fixture
def setup(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    client.force_login(people["member"])
    return workspace, people, report


def test_a_member_attaches_an_upload_that_becomes_a_workspace_file(client, setup):
    workspace, people, report = setup
    response = client.post(attach_url(report), {"file": text_file(), "description": "Visit notes"})
    assert response.status_code == 302
    attachment = ReportAttachment.objects.get(report=report)
    stored = attachment.file
    assert stored.workspace == workspace and stored.original_name == "visit-notes.txt"
    assert attachment.attached_by == people["member"]
    assert AuditEvent.objects.filter(action=audit.FILE_UPLOADED, target_id=str(stored.pk)).exists()
    change = ReportChange.objects.get(report=report, kind=ChangeKind.ATTACHMENT_ADDED)
    assert change.new_value == str(stored.pk)
    html = client.get(report.get_absolute_url()).content.decode()
    assert stored.get_download_url() in html and "visit-notes.txt" in html
    # The download goes through the members' view, which records it.
    download = client.get(stored.get_download_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"Notes from the shelter visit.\n"
    assert AuditEvent.objects.filter(
        action=audit.FILE_DOWNLOADED, target_id=str(stored.pk), actor=people["member"]
    ).exists()


def test_network_readers_neither_see_nor_download_attachments(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    attachment = services.attach_file(
        report, make_file(workspace, user=people["member"]), actor=people["member"]
    )
    report = services.submit_report(report, actor=people["member"])
    services.review_report(report, actor=people["manager"])
    services.share_report(report, actor=people["manager"])
    client.force_login(network_user())
    html = client.get(report.get_absolute_url()).content.decode()
    assert 'data-audience="network"' in html
    assert "notes.txt" not in html and 'id="attachments"' not in html
    assert client.get(attachment.file.get_download_url()).status_code == 404


def test_an_existing_workspace_file_can_be_attached_but_not_another_workspace_s(client, setup):
    workspace, people, report = setup
    mine = make_file(workspace, user=people["member"], name="route.txt")
    theirs = make_file(make_workspace(), name="other.txt")
    assert client.post(attach_url(report), {"existing": mine.pk}).status_code == 302
    assert list(report.attachments.values_list("file", flat=True)) == [mine.pk]
    response = client.post(attach_url(report), {"existing": theirs.pk})
    assert response.status_code == 400
    assert report.attachments.count() == 1
    with pytest.raises(services.WorkflowError):
        services.attach_file(report, theirs, actor=people["member"])


@pytest.mark.parametrize(
    "upload, words",
    [
        (text_file("passport AN1234567.txt"), "passport, ID or personal number"),
        (text_file("tool.exe", b"MZ\x90\x00binary"), "cannot be shared here"),
    ],
)
def test_refused_files_leave_nothing_behind_and_say_why(client, setup, upload, words):
    _workspace, _people, report = setup
    response = client.post(attach_url(report), {"file": upload})
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not WorkspaceFile.objects.exists() and not ReportAttachment.objects.exists()


def test_a_description_with_personal_data_is_refused(client, setup):
    _workspace, _people, report = setup
    response = client.post(
        attach_url(report), {"file": text_file(), "description": "Call +996 555 123 456"}
    )
    assert response.status_code == 400
    assert "phone number" in response.content.decode()
    assert not WorkspaceFile.objects.exists()


def test_detaching_keeps_the_file_in_the_workspace(client, setup):
    workspace, people, report = setup
    stored = make_file(workspace, user=people["member"])
    attachment = services.attach_file(report, stored, actor=people["member"])
    response = client.post(f"{attach_url(report)}{attachment.pk}/remove/")
    assert response.status_code == 302
    assert not ReportAttachment.objects.exists()
    assert WorkspaceFile.objects.filter(pk=stored.pk).exists()
    assert ReportChange.objects.filter(report=report, kind=ChangeKind.ATTACHMENT_REMOVED).exists()


def test_attachments_change_only_on_drafts_and_not_for_observers(client, setup):
    workspace, people, report = setup
    submitted = make_report(workspace, status="submitted")
    response = client.post(attach_url(submitted), {"file": text_file()}, follow=True)
    assert "draft report only" in response.content.decode()
    assert not ReportAttachment.objects.exists()
    client.force_login(people["observer"])
    assert client.post(attach_url(report), {"file": text_file()}).status_code == 403
    assert not WorkspaceFile.objects.exists()
