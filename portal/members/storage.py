"""Where workspace files live: PRIVATE_MEDIA_ROOT, never MEDIA_ROOT.

Nothing here has a URL. Files are streamed only by views that check the
person's permission and record the download (see files.file_response).
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    def __init__(self):
        # Owner-only permissions: other accounts on the server cannot read them either.
        super().__init__(file_permissions_mode=0o600, directory_permissions_mode=0o700)

    # Read the setting on every use (not once at import) so tests and
    # deployments that change PRIVATE_MEDIA_ROOT are honoured.
    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError(
            "Private files have no URL; link to the permission-checked download view instead."
        )


_private_storage = PrivateStorage()


def private_storage():
    """Callable for FileField(storage=...), so migrations do not freeze a path."""
    return _private_storage
