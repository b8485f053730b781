"""Workspace files: an allow-list of types checked by name and content, a size
limit with a clear message, storage outside the public media, downloads only
through the permission-checked view, on the record."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook
from PIL import Image

from portal.members import audit
from portal.members.files import store_upload
from portal.members.models import AuditEvent, WorkspaceFile
from portal.members.pdf import simple_pdf
from tests.factories import add_member, make_file, make_workspace, upload

pytestmark = pytest.mark.django_db


def u(name, workspace, **kwargs):
    return reverse(f"members:{name}", kwargs={"slug": workspace.slug, **kwargs})


def xlsx_bytes():
    book = Workbook()
    book.active.append(["district", "visits"])
    book.active.append(["Osh", 4])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx_bytes():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()


def odt_bytes():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def damaged_odt_bytes(method=None):
    """An .odt whose deflated mimetype entry is damaged (reading it raises
    zlib.error), or names a compression method zipfile does not support."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    data = bytearray(out.getvalue())
    if method is None:
        start = 30 + len("mimetype")  # local header and name; no extra field
        data[start : start + 4] = b"\xff\xff\xff\xff"  # an invalid deflate block type
    else:
        central = data.index(b"PK\x01\x02")
        data[8:10] = data[central + 10 : central + 12] = method.to_bytes(2, "little")
    return bytes(data)


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("procedure.pdf", simple_pdf(["Referral procedure"]), "application/pdf"),
        (
            "visits.xlsx",
            xlsx_bytes(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "minutes.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("minutes.odt", odt_bytes(), "application/vnd.oasis.opendocument.text"),
        ("map.png", png_bytes(), "image/png"),
        ("visits.csv", "район,визиты\nОш,4\n".encode(), "text/csv"),
        ("notes.TXT", "Заметки".encode("cp1251"), "text/plain"),
    ],
)
def test_allowed_types_are_stored_privately_under_a_random_name(
    workspace, roles, as_user, private_media, settings, name, content, mime
):
    response = as_user(roles["member"]).post(
        u("file_upload", workspace), {"file": upload(name, content), "description": "Q1"}
    )
    assert response.status_code == 302
    stored = WorkspaceFile.objects.get()
    assert (stored.original_name, stored.content_type, stored.size) == (name, mime, len(content))
    path = private_media / stored.file.name
    assert path.read_bytes() == content
    assert name.split(".")[0] not in stored.file.name
    assert not any(settings.MEDIA_ROOT.rglob("*")) if settings.MEDIA_ROOT.exists() else True
    with pytest.raises(ValueError):
        stored.file.url  # noqa: B018  (private files have no URL)
    event = AuditEvent.objects.get(action=audit.FILE_UPLOADED)
    assert event.target_repr == f"File #{stored.pk}"
    assert name not in str(event.details)


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 200, "cannot be shared here"),
        ("page.html", b"<html><script>alert(1)</script></html>", "cannot be shared here"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "cannot be shared here"),
        ("noextension", b"plain", "cannot be shared here"),
        ("report.pdf", b"MZ\x90\x00" + b"\x00" * 200, "does not match its name"),
        ("report.pdf", png_bytes(), "does not match its name"),
        ("photo.png", simple_pdf(["x"]), "does not match its name"),
        ("notes.txt", b"text\x00with a NUL", "does not match its name"),
        ("notes.txt", png_bytes(), "does not match its name"),
        ("table.xlsx", docx_bytes(), "does not match its name"),
        ("minutes.docx", b"PK\x03\x04not really a zip", "does not match its name"),
        ("minutes.odt", damaged_odt_bytes(), "does not match its name"),
        ("minutes.odt", damaged_odt_bytes(method=99), "does not match its name"),
        ("empty.pdf", b"", "file is empty"),
    ],
)
def test_refused_uploads_say_why_and_store_nothing(
    workspace, roles, as_user, private_media, settings, name, content, says
):
    settings.LANGUAGE_CODE = "en"
    response = as_user(roles["member"]).post(
        u("file_upload", workspace), {"file": upload(name, content), "description": "kept text"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert says in body
    assert "kept text" in body
    assert not WorkspaceFile.objects.exists()
    assert not private_media.exists() or not any(p.is_file() for p in private_media.rglob("*"))


def test_a_file_over_the_size_limit_is_refused_with_both_sizes(workspace, roles, as_user, settings):
    settings.PORTAL_MAX_UPLOAD_MB = 1
    settings.LANGUAGE_CODE = "en"
    content = b"a,b\n" * 400_000  # 1.6 MB
    response = as_user(roles["member"]).post(
        u("file_upload", workspace), {"file": upload("big.csv", content)}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "1.5" in body and "1.0" in body  # "The file is 1.5 MB; files may be at most 1.0 MB"
    assert not WorkspaceFile.objects.exists()


def test_no_file_chosen_is_a_clear_message(workspace, roles, as_user):
    response = as_user(roles["member"]).post(u("file_upload", workspace), {"description": "x"})
    assert response.status_code == 400
    assert "Choose a file" in response.content.decode()


def test_a_path_in_the_name_is_dropped(workspace, roles):
    stored = make_file(workspace, roles["member"], name="../../etc/passwd.txt")
    assert stored.original_name == "passwd.txt"
    assert ".." not in stored.file.name


def test_store_upload_is_a_service_other_apps_can_call(workspace, roles):
    stored = store_upload(workspace, upload("a.csv", b"x,y\n"), roles["member"], "desc")
    assert stored.workspace == workspace and stored.description == "desc"
    with pytest.raises(ValidationError, match="cannot be shared"):
        store_upload(workspace, upload("a.js", b"alert(1)"), roles["member"])


def test_download_streams_an_attachment_that_browsers_will_not_sniff(workspace, roles, as_user):
    content = simple_pdf(["Procedure"])
    stored = make_file(workspace, roles["member"], name="Порядок направления.pdf", content=content)
    response = as_user(roles["observer"]).get(u("file_download", workspace, file_id=stored.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]
    event = AuditEvent.objects.get(action=audit.FILE_DOWNLOADED)
    assert (event.actor, event.workspace, event.target_id) == (
        roles["observer"],
        workspace,
        str(stored.pk),
    )
    assert event.details == {"size": len(content)}


@pytest.mark.parametrize("who", ["outsider", "other_member", "staff"])
def test_people_outside_the_workspace_get_404_for_a_file(workspace, roles, as_user, who):
    stored = make_file(workspace, roles["member"])
    response = as_user(roles[who]).get(u("file_download", workspace, file_id=stored.pk))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=audit.FILE_DOWNLOADED).exists()


def test_anonymous_visitors_are_sent_to_sign_in_for_a_file(workspace, roles, client):
    stored = make_file(workspace, roles["member"])
    response = client.get(u("file_download", workspace, file_id=stored.pk))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_file_cannot_be_fetched_through_another_workspace(workspace, roles, as_user):
    stored = make_file(workspace, roles["member"])
    mine = make_workspace(slug="mine", owner=roles["member"])
    add_member(mine, roles["observer"])
    response = as_user(roles["member"]).get(u("file_download", mine, file_id=stored.pk))
    assert response.status_code == 404


def test_a_missing_blob_is_a_404_page_not_an_error(workspace, roles, as_user, private_media):
    stored = make_file(workspace, roles["member"])
    (private_media / stored.file.name).unlink()
    response = as_user(roles["member"]).get(u("file_download", workspace, file_id=stored.pk))
    assert response.status_code == 404


def test_uploader_or_moderator_deletes_others_cannot(
    workspace, roles, as_user, private_media, django_capture_on_commit_callbacks
):
    stored = make_file(workspace, roles["member"])
    blob = private_media / stored.file.name
    assert (
        as_user(roles["observer"]).post(u("file_delete", workspace, file_id=stored.pk)).status_code
        == 403
    )
    other_member = add_member(workspace, role="member")
    assert (
        as_user(other_member).post(u("file_delete", workspace, file_id=stored.pk)).status_code
        == 403
    )
    assert blob.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(roles["member"]).post(u("file_delete", workspace, file_id=stored.pk))
    assert response.status_code == 302
    assert not WorkspaceFile.objects.exists()
    assert not blob.exists()
    assert AuditEvent.objects.filter(action=audit.FILE_DELETED, target_id=str(stored.pk)).exists()

    second = make_file(workspace, roles["member"])
    as_user(roles["manager"]).post(u("file_delete", workspace, file_id=second.pk))
    assert not WorkspaceFile.objects.exists()


def test_the_files_page_lists_files_with_download_links(workspace, roles, as_user):
    stored = make_file(
        workspace, roles["member"], name="schedule.csv", content=b"a\n", description="Q1 visits"
    )
    body = as_user(roles["observer"]).get(u("file_list", workspace)).content.decode()
    assert "schedule.csv" in body and "Q1 visits" in body
    assert u("file_download", workspace, file_id=stored.pk) in body
    assert 'enctype="multipart/form-data"' not in body  # observers cannot upload


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(
    workspace, roles, as_user, settings
):
    settings.PORTAL_MAX_UPLOAD_MB = 1
    settings.LANGUAGE_CODE = "en"
    content = b"a,b\n" * 700_000  # 2.8 MB: over the limit and its margin
    response = as_user(roles["member"]).post(
        u("file_upload", workspace), {"file": upload("huge.csv", content)}
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert "at most 1.0" in response.content.decode()
    assert not WorkspaceFile.objects.exists()


def test_a_head_request_is_not_recorded_as_a_download(workspace, roles, as_user):
    stored = make_file(workspace, roles["member"])
    response = as_user(roles["member"]).head(u("file_download", workspace, file_id=stored.pk))
    assert response.status_code == 405
    assert not AuditEvent.objects.filter(action=audit.FILE_DOWNLOADED).exists()


@pytest.mark.parametrize("status", ["submitted", "reviewed"])
def test_a_file_attached_to_a_submitted_report_cannot_be_deleted(
    workspace, roles, as_user, private_media, status
):
    from portal.reports import services as reports
    from portal.reports.models import ReportAttachment
    from tests.reports.factories import make_report

    report = make_report(workspace, author=roles["owner"])
    stored = make_file(workspace, roles["member"], name="visit-notes.txt")
    reports.attach_file(report, stored, actor=roles["member"])
    reports.submit_report(report, actor=roles["owner"])
    if status == "reviewed":
        reports.review_report(report, actor=roles["manager"])  # a second person

    client = as_user(roles["manager"])
    response = client.post(u("file_delete", workspace, file_id=stored.pk), follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "attached to a monitoring report that has been submitted" in body
    assert WorkspaceFile.objects.filter(pk=stored.pk).exists()
    assert ReportAttachment.objects.filter(report=report, file=stored).exists()
    assert (private_media / stored.file.name).exists()
    assert not AuditEvent.objects.filter(action=audit.FILE_DELETED).exists()


def test_a_file_attached_only_to_a_draft_report_can_still_be_deleted(
    workspace, roles, as_user, django_capture_on_commit_callbacks
):
    from portal.reports import services as reports
    from tests.reports.factories import make_report

    report = make_report(workspace, author=roles["owner"])
    stored = make_file(workspace, roles["member"])
    reports.attach_file(report, stored, actor=roles["member"])
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(roles["member"]).post(u("file_delete", workspace, file_id=stored.pk))
    assert response.status_code == 302
    assert not WorkspaceFile.objects.filter(pk=stored.pk).exists()
    assert not report.attachments.exists()


def _held_by_a_submitted_report(workspace, roles, name="visit-notes.txt"):
    from portal.reports import services as reports
    from tests.reports.factories import make_report

    report = make_report(workspace, author=roles["owner"])
    stored = make_file(workspace, roles["member"], name=name)
    reports.attach_file(report, stored, actor=roles["member"])
    reports.submit_report(report, actor=roles["owner"])
    return report, stored


def test_the_uploader_is_refused_deleting_through_the_delete_button_a_file_a_report_holds(
    workspace, roles, as_user, private_media
):
    """The member who uploaded the file follows its Delete link on the files
    page and confirms: the guard reports registered in core refuses, and the
    page says why."""
    _, stored = _held_by_a_submitted_report(workspace, roles)
    client = as_user(roles["member"])
    page = client.get(u("file_list", workspace)).content.decode()
    delete_url = u("file_delete", workspace, file_id=stored.pk)
    assert f'href="{delete_url}"' in page
    assert client.get(delete_url).status_code == 200  # the confirmation page

    response = client.post(delete_url, follow=True)

    assert response.redirect_chain[-1][0].startswith(u("file_list", workspace))
    assert "“visit-notes.txt” is attached to a monitoring report that has been submitted" in (
        response.content.decode()
    )
    assert WorkspaceFile.objects.filter(pk=stored.pk).exists()
    assert (private_media / stored.file.name).exists()
    assert not AuditEvent.objects.filter(action=audit.FILE_DELETED).exists()


def test_the_delete_service_refuses_a_file_a_submitted_report_holds(
    workspace, roles, private_media
):
    from portal.members.files import FileInUse, delete_file

    _, stored = _held_by_a_submitted_report(workspace, roles)
    with pytest.raises(FileInUse, match="return the report to draft and detach it first"):
        delete_file(stored, actor=roles["manager"])
    assert WorkspaceFile.objects.filter(pk=stored.pk).exists()
    assert not AuditEvent.objects.filter(action=audit.FILE_DELETED).exists()


def test_a_guard_another_app_registers_is_asked_before_a_file_is_deleted(
    workspace, roles, as_user, monkeypatch, django_capture_on_commit_callbacks
):
    """Members knows no app that holds files: any guard registered in
    portal.core.deletion can keep one, and the person reads its reason."""
    from portal.core import deletion

    kept = make_file(workspace, roles["member"], name="budget.txt")
    free = make_file(workspace, roles["member"], name="agenda.txt")
    monkeypatch.setattr(deletion, "_guards", list(deletion._guards))
    deletion.register_guard(lambda obj: "Kept for the annual audit." if obj.pk == kept.pk else None)
    client = as_user(roles["manager"])

    refused = client.post(u("file_delete", workspace, file_id=kept.pk), follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        allowed = client.post(u("file_delete", workspace, file_id=free.pk), follow=True)

    assert "Kept for the annual audit." in refused.content.decode()
    assert WorkspaceFile.objects.filter(pk=kept.pk).exists()
    assert "“agenda.txt” is deleted." in allowed.content.decode()
    assert not WorkspaceFile.objects.filter(pk=free.pk).exists()
