"""Drill: the disk that holds the private files is full when a member uploads
a workspace file or a report attachment.

The disk is real: a small tmpfs mounted for the test and filled to the brim
(tests/faults.py), so the kernel itself refuses the write (ENOSPC) halfway
through the file. Where no tmpfs can be mounted (not root), the kernel's
file size limit (RLIMIT_FSIZE) makes the same write fail with EFBIG; both
are run here when possible.

The person gets a page saying what happened and what to do (507, never a
500 or a traceback), with the description they typed still in the form;
nothing half-written stays on disk, no row points at a missing file, the
audit log does not claim an upload, and the files already there are intact.
"""

import contextlib
import errno

import pytest
from django.test import Client
from django.urls import reverse

from portal.members import audit
from portal.members.models import Activity, AuditEvent, WorkspaceFile
from portal.reports.models import ChangeKind, ReportAttachment, ReportChange
from tests.factories import make_file, upload
from tests.faults import Disk, file_size_limit, small_disk
from tests.reports.factories import make_report

pytestmark = pytest.mark.django_db

BIG = b"A line of notes from the shelter visit.\n" * 2600  # about 100 KiB
FULL_MESSAGE = "no room left"


def _can_mount():
    try:
        with small_disk(64):
            return True
    except PermissionError:
        return False


MODES = ["tmpfs"] if _can_mount() else []
MODES.append("file-size-limit")


@pytest.fixture(params=MODES)
def full_disk(request, settings, tmp_path):
    """(disk, context manager to wrap the upload in): PRIVATE_MEDIA_ROOT on
    a disk that will be full when the upload is written."""
    if request.param == "tmpfs":
        with small_disk(256) as disk:
            settings.PRIVATE_MEDIA_ROOT = disk.root
            yield disk, disk.fill, contextlib.nullcontext
        return
    disk = Disk(tmp_path / "private")
    disk.root.mkdir()
    settings.PRIVATE_MEDIA_ROOT = disk.root
    # The limit is far below the upload, above every earlier file.
    yield disk, lambda: None, lambda: file_size_limit(32 * 1024)


def snapshot(disk):
    """What must not change when an upload fails."""
    return {
        "files": list(WorkspaceFile.objects.values_list("pk", "file", "size")),
        "audit": AuditEvent.objects.count(),
        "uploads recorded": AuditEvent.objects.filter(action=audit.FILE_UPLOADED).count(),
        "activity": Activity.objects.count(),
        "disk": disk.files(),  # nothing half-written, earlier files byte for byte
    }


def assert_nothing_kept(before, disk):
    assert snapshot(disk) == before
    for stored in WorkspaceFile.objects.all():  # no row points at a missing file
        assert len(stored.file.storage.open(stored.file.name).read()) == stored.size


def test_a_workspace_upload_on_a_full_disk_is_refused_cleanly(client, people, full_disk):
    workspace, roles = people
    disk, fill, limit = full_disk
    earlier = make_file(workspace, roles["member"], name="earlier.txt", content=b"Kept safe\n")
    fill()
    before = snapshot(disk)
    client.force_login(roles["member"])

    with limit():
        response = client.post(
            reverse("members:file_upload", kwargs={"slug": workspace.slug}),
            {"file": upload("big-notes.txt", BIG), "description": "Visit in March"},
        )

    assert response.status_code == 507
    page = response.content.decode()
    assert FULL_MESSAGE in page and "Traceback" not in page
    assert 'value="Visit in March"' in page  # what the person typed is kept
    assert_nothing_kept(before, disk)
    download = client.get(earlier.get_download_url())
    assert b"".join(download.streaming_content) == b"Kept safe\n"


def test_a_report_attachment_on_a_full_disk_is_refused_cleanly(client, people, full_disk):
    workspace, roles = people
    disk, fill, limit = full_disk
    report = make_report(workspace, author=roles["member"])
    earlier = make_file(workspace, roles["member"], name="earlier.txt", content=b"Kept safe\n")
    fill()
    before = snapshot(disk)
    client.force_login(roles["member"])

    with limit():
        response = client.post(
            f"/workspaces/{workspace.slug}/reports/{report.pk}/attachments/",
            {"file": upload("big-notes.txt", BIG), "description": "Visit in March"},
        )

    assert response.status_code == 507
    page = response.content.decode()
    assert FULL_MESSAGE in page and "Traceback" not in page
    assert "Visit in March" in page
    assert_nothing_kept(before, disk)
    assert not ReportAttachment.objects.filter(report=report).exists()
    assert not ReportChange.objects.filter(report=report, kind=ChangeKind.ATTACHMENT_ADDED)
    assert earlier.file.storage.open(earlier.file.name).read() == b"Kept safe\n"


def test_the_upload_works_again_once_there_is_room(client, people, full_disk):
    workspace, roles = people
    disk, fill, limit = full_disk
    fill()
    client.force_login(roles["member"])
    url = reverse("members:file_upload", kwargs={"slug": workspace.slug})
    with limit():
        assert client.post(url, {"file": upload("big.txt", BIG)}).status_code == 507
    if disk.filler:
        disk.filler.unlink()  # the office made room
    response = client.post(url, {"file": upload("big.txt", BIG)})
    assert response.status_code == 302
    (stored,) = WorkspaceFile.objects.all()
    assert stored.file.storage.open(stored.file.name).read() == BIG


def test_another_storage_failure_gets_its_own_clear_message(client, people, settings, tmp_path):
    """Not a full disk: the folder cannot be written (a wrong owner after a
    restore, a read-only mount). Same care, a message that does not blame
    the space."""
    workspace, roles = people
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "workspaces").write_text("a file where a folder should be")
    settings.PRIVATE_MEDIA_ROOT = locked
    client.force_login(roles["member"])
    response = client.post(
        reverse("members:file_upload", kwargs={"slug": workspace.slug}),
        {"file": upload("notes.txt", b"Notes\n"), "description": "Kept"},
    )
    assert response.status_code == 507
    page = response.content.decode()
    assert "could not be saved" in page and FULL_MESSAGE not in page
    assert 'value="Kept"' in page
    assert not WorkspaceFile.objects.exists()
    assert not AuditEvent.objects.filter(action=audit.FILE_UPLOADED).exists()


def test_the_disk_is_really_full(full_disk):
    """The drill's own check: the kernel refuses the write, nobody fakes it."""
    disk, fill, limit = full_disk
    fill()
    with limit(), pytest.raises(OSError) as refused:  # noqa: PT012
        with open(disk.root / "probe", "wb") as handle:
            handle.write(BIG)
            handle.flush()
    assert refused.value.errno in (errno.ENOSPC, errno.EFBIG)
    (disk.root / "probe").unlink(missing_ok=True)


@pytest.mark.parametrize("surface", ["workspace files", "report attachment"])
def test_a_large_upload_whose_temporary_file_cannot_be_written_is_refused_cleanly(
    people, settings, full_disk, surface
):
    """Uploads above FILE_UPLOAD_MAX_MEMORY_SIZE are spooled to a temporary
    file while the request is read, before any view runs: the CSRF check
    reads the form first (enforced here, as in production). On a server with
    one disk that write is the one that fails."""
    workspace, roles = people
    disk, fill, limit = full_disk
    settings.FILE_UPLOAD_TEMP_DIR = disk.root
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024
    report = make_report(workspace, author=roles["member"])
    url = {
        "workspace files": reverse("members:file_upload", kwargs={"slug": workspace.slug}),
        "report attachment": f"/workspaces/{workspace.slug}/reports/{report.pk}/attachments/",
    }[surface]
    earlier = make_file(workspace, roles["member"], name="earlier.txt", content=b"Kept safe\n")
    client = Client(enforce_csrf_checks=True, headers={"Accept-Language": "en"})
    client.force_login(roles["member"])
    assert (
        client.get(reverse("members:file_list", kwargs={"slug": workspace.slug})).status_code == 200
    )
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    fill()
    before = snapshot(disk)

    with limit():
        response = client.post(
            url,
            {
                "csrfmiddlewaretoken": token,
                "file": upload("big-notes.txt", BIG),
                "description": "Visit in March",
            },
        )

    assert response.status_code == 507
    page = response.content.decode()
    assert FULL_MESSAGE in page and "Traceback" not in page
    assert "This field is required" not in page
    assert "Visit in March" in page
    assert_nothing_kept(before, disk)  # the temporary file is gone too
    assert not ReportAttachment.objects.filter(report=report).exists()
    assert earlier.file.storage.open(earlier.file.name).read() == b"Kept safe\n"
