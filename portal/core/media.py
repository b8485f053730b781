"""Django's own answer to /media/ on installations without a web server in front.

Only the image folders are public. Wagtail keeps documents in MEDIA_ROOT too
(``documents/``, under their original, guessable names), but a document may sit
in a private collection or be held back by a ``before_serve_document`` hook:
it must only ever leave through Wagtail's serve view at
``/documents/<id>/<filename>``, which checks both. So this view serves an
allow-list of folders rather than refusing a deny-list: a folder some future
app adds to MEDIA_ROOT stays private until someone decides otherwise.
"""

import posixpath

from django.conf import settings
from django.http import Http404
from django.views.static import serve as static_serve
from wagtail.documents.views import serve as document_views

# Wagtail's image originals, their renditions and admin users' avatars.
PUBLIC_MEDIA_FOLDERS = frozenset({"images", "original_images", "avatar_images"})


def is_public_media(path):
    """Whether ``path`` (relative to MEDIA_ROOT, as it came in the URL) names a
    file inside one of the public folders, after resolving any ``..``."""
    normalised = posixpath.normpath(path).lstrip("/")
    folder, separator, rest = normalised.partition("/")
    return bool(separator and rest) and folder in PUBLIC_MEDIA_FOLDERS


def public_media(request, path):
    if not (settings.DEBUG or settings.PORTAL_SERVE_MEDIA) or not is_public_media(path):
        raise Http404
    return static_serve(request, path, document_root=settings.MEDIA_ROOT)


def document(request, document_id, document_filename):
    """Wagtail's document server (privacy of collections and the
    ``before_serve_document`` hooks included), minus a header it gets wrong:
    a file with no transfer encoding goes out with "Content-Encoding: None",
    which strict HTTP clients refuse."""
    response = document_views.serve(request, document_id, document_filename)
    if response.get("Content-Encoding", "").strip() in ("None", ""):
        del response["Content-Encoding"]
    return response
