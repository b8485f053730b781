"""Receiving uploads when the server's disk cannot take them.

Django spools an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE to a
temporary file while the request is read, which happens before any view runs
(the CSRF check reads the form). When that write fails (disk full, quota, the
process's file size limit), Django answers 500 and the person never learns
why. This handler drops that file instead, removes what was written of it,
and notes the error on the request; the other fields are still read, so the
view can show the form again with what was typed and say what happened
(portal.members.files.refuse_unreceived_upload).
"""

import contextlib
import logging
import os

from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler

logger = logging.getLogger(__name__)

_ERROR_ATTRIBUTE = "upload_storage_error"


def storage_error(request):
    """The OSError that kept an upload of this request from being received,
    or None."""
    return getattr(request, _ERROR_ATTRIBUTE, None)


class SafeTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args, **kwargs):
        try:
            super().new_file(*args, **kwargs)
        except OSError as exc:
            self._drop(exc)

    def receive_data_chunk(self, raw_data, start):
        try:
            return super().receive_data_chunk(raw_data, start)
        except OSError as exc:
            self._drop(exc)

    def _drop(self, exc):
        logger.error("an upload could not be written to its temporary file: %s", exc)
        if self.request is not None:
            setattr(self.request, _ERROR_ATTRIBUTE, exc)
        spooled = getattr(self, "file", None)
        if spooled is not None:
            path = spooled.temporary_file_path()
            # Closing flushes the buffer, which fails again on a full disk;
            # the descriptor is closed all the same.
            with contextlib.suppress(OSError):
                spooled.close()
            with contextlib.suppress(OSError):
                os.remove(path)
        raise SkipFile from exc
