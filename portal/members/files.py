"""Workspace files: checking and storing uploads, serving downloads.

Reusable by other apps (monitoring reports attach WorkspaceFile rows):

    from portal.members.files import store_upload, file_response
    stored = store_upload(workspace, request.FILES["file"], request.user, description)
    return file_response(stored, request)   # after your own permission check

An upload is accepted only when its extension is on the allow-list AND its
content looks like that type (magic bytes, container contents). Anything else
is refused with a message saying what is allowed.

When the disk refuses the file (full, or broken), the person is told so and
nothing is kept: no half-written file, no row, no audit entry
(StorageFailed, a ValidationError, so every caller's form shows it).
"""

import errno
import hashlib
import logging
import os
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.core import deletion, filetypes, uploads

from . import activity, audit
from .models import Verb, WorkspaceFile

logger = logging.getLogger(__name__)

# Every type whose content can be checked.
ALLOWED_EXTENSIONS = filetypes.EXTENSIONS
ALLOWED_DESCRIPTION = gettext_lazy(
    "PDF, Word (.doc, .docx), Excel (.xls, .xlsx), PowerPoint (.ppt, .pptx), "
    "OpenDocument (.odt, .ods, .odp), RTF, text (.txt, .csv) and images (.jpg, .png, .webp)"
)


def max_upload_bytes():
    return settings.PORTAL_MAX_UPLOAD_MB * 1024 * 1024


def clean_name(name):
    """The person's file name, safe to show and to put in a header: no path,
    no control characters, at most 255 characters with the extension kept."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 254 - len(ext)] + dot + ext) if dot and len(ext) < 20 else name[:255]
    return name


def extension_of(name):
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def validate_upload(uploaded_file):
    """(clean name, MIME type) of an acceptable upload; ValidationError with a
    message for the person otherwise."""
    name = clean_name(uploaded_file.name)
    if not name:
        raise ValidationError(_("The file has no name. Rename it and try again."))
    size = uploaded_file.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."))
    if size > max_upload_bytes():
        raise ValidationError(
            _(
                "The file is %(size)s; files may be at most %(limit)s. Make it smaller "
                "(for example, compress the images in it or split it) and try again."
            )
            % {"size": filesizeformat(size), "limit": filesizeformat(max_upload_bytes())}
        )
    extension = extension_of(name)
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("Files of this type cannot be shared here. Allowed: %(allowed)s.")
            % {"allowed": ALLOWED_DESCRIPTION}
        )
    mime = filetypes.proven_type(uploaded_file, extension)
    if mime is None:
        raise ValidationError(
            _(
                "The content of this file does not match its name (.%(ext)s), so it was "
                "refused. Save it again in its real format, or check it is not damaged."
            )
            % {"ext": extension}
        )
    return name, mime


# A full disk, a full quota, or a file larger than the process may write.
_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


class StorageFailed(ValidationError):
    """The file could not be written to the private storage; nothing of it
    was kept. ``no_room`` when the disk (or quota) is full. Views answer 507
    (Insufficient Storage): the request was fine, the server could not keep it."""

    def __init__(self, no_room):
        if no_room:
            message = _(
                "There is no room left on the server for this file, so it was not saved. "
                "Try again later (choose the file again); if it keeps happening, tell the "
                "coordinating office."
            )
        else:
            message = _(
                "The file could not be saved because of a problem with the server's storage, "
                "so nothing was kept. Try again later (choose the file again); if it keeps "
                "happening, tell the coordinating office."
            )
        super().__init__(message, code="storage_full" if no_room else "storage_failed")
        self.no_room = no_room


def refuse_unreceived_upload(form, request):
    """When the server could not even receive the request's upload (its
    temporary file could not be written: portal.core.uploads), put the
    reason on ``form`` in place of its other errors ("this field is
    required" would blame the person) and return True."""
    error = uploads.storage_error(request)
    if error is None:
        return False
    form.full_clean()
    form.errors.clear()
    form.add_error("file", StorageFailed(error.errno in _NO_ROOM))
    return True


def write_blob(stored, uploaded_file):
    """Write the upload into ``stored.file`` (any model whose FileField
    generates a random name: workspace files, referral documents) under a
    fresh name; on any OS error remove whatever part of it reached the disk
    and raise StorageFailed.

    Django's FileSystemStorage leaves a partial file behind when a write
    fails halfway (ENOSPC, EFBIG), and FieldFile.save does not say which name
    it was writing, so the name is chosen here first."""
    field = stored._meta.get_field("file")
    storage = stored.file.storage
    name = field.generate_filename(stored, "upload")
    while storage.exists(name):  # 128 random bits: never in practice
        name = field.generate_filename(stored, "upload")
    try:
        # The storage keeps this name (it exists nowhere yet), so a failure
        # leaves at most a partial file under it: ours to remove.
        stored.file = storage.save(name, uploaded_file, max_length=field.max_length)
    except OSError as exc:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("a partial upload %s could not be removed", name)
        no_room = exc.errno in _NO_ROOM
        logger.error(
            "storing an upload (%s) failed (%s): %s",
            stored._meta.label_lower,
            "storage full" if no_room else "storage error",
            exc,
        )
        raise StorageFailed(no_room) from exc


_write_blob = write_blob  # the name store_upload calls (and the disk-full tests patch)


def _sha256(uploaded_file):
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest()


def store_upload(workspace, uploaded_file, user, description="", *, notify=True):
    """Check and store an upload in the workspace; record it in the audit log
    and the activity stream. Raises ValidationError with a message to show.

    ``request`` is unused (the audit reads the request context) and stays
    only until portal.reports.services stops passing it."""
    name, mime = validate_upload(uploaded_file)
    stored = WorkspaceFile(
        workspace=workspace,
        original_name=name,
        description=(description or "").strip()[:500],
        content_type=mime,
        size=uploaded_file.size,
        sha256=_sha256(uploaded_file),
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    _write_blob(stored, uploaded_file)
    try:
        with transaction.atomic():
            stored.save()
            audit.record(
                user,
                audit.FILE_UPLOADED,
                target=stored,
                workspace=workspace,
                size=stored.size,
                type=extension_of(name),
            )
            activity.record(workspace, user, Verb.FILE_UPLOADED, file=stored, notify=notify)
    except Exception:
        stored.file.storage.delete(stored.file.name)
        raise
    return stored


class FileInUse(Exception):
    """The file may not be deleted; the message says why."""


def delete_file(stored, *, actor):
    """Delete a file and its blob. Refused (FileInUse) while another app holds
    on to it (portal.core.deletion): a submitted or reviewed monitoring report,
    for one, must not change silently because a file it holds went away."""
    with transaction.atomic():
        reasons = deletion.reasons_to_keep(stored)
        if reasons:
            raise FileInUse(" ".join(reasons))
        audit.record(
            actor,
            audit.FILE_DELETED,
            target=stored,
            workspace=stored.workspace,
            size=stored.size,
        )
        stored.delete()


@receiver(post_delete, sender=WorkspaceFile)
def _remove_blob(sender, instance, **kwargs):
    # Only once the deletion is committed: a rolled-back delete keeps its file.
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def open_private(stored):
    """The open blob of ``stored.file``; a 404 page saying so when the disk
    lost it (never a 500 with a path in it)."""
    try:
        return stored.file.storage.open(stored.file.name, "rb")
    except (FileNotFoundError, OSError) as exc:
        logger.error("%s %s is missing from storage: %s", stored._meta.label_lower, stored.pk, exc)
        raise Http404(_("This file is missing from storage. Please tell the office.")) from exc


def file_response(stored, request):
    """Stream a file the person has been allowed to open, as a download, and
    record it. Call only after checking permission."""
    handle = open_private(stored)
    audit.record(
        request.user,
        audit.FILE_DOWNLOADED,
        target=stored,
        workspace=stored.workspace,
        size=stored.size,
    )
    return attachment_response(handle, stored.original_name, stored.content_type)


def attachment_response(handle, filename, content_type):
    """A private file as a download no browser renders, caches or runs."""
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Even if a browser ignored "attachment", nothing in the file may run.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Referrer-Policy"] = "no-referrer"
    return response
