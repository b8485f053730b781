"""What the portal answers when something breaks, above all the database.

Django calls ``server_error`` (``handler500``) for any exception a view or a
middleware did not handle. When the exception says PostgreSQL is unreachable,
the answer is, in this order:

- the API: a JSON 503 with Retry-After;
- a public page the page cache holds: its last copy, marked as possibly out
  of date (the hotlines on it may be older than the file's; the notice says so);
- a members' page: a 503 saying the workspace is unavailable for a moment;
- any other page: a 503 saying the portal is unavailable for a moment.

Every error page lists the hotlines of every country from the hotline file
(hotline_snapshot.py), never from the database: a person at risk who reaches a
broken portal still finds a number to call.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from . import cache, hotline_snapshot
from .chrome import hotlines_by_country

logger = logging.getLogger(__name__)

# The members' area, accounts and the admin: signed-in work, never served stale.
MEMBER_PATHS = ("/workspaces/", "/network/", "/accounts/", "/admin/")
API_PATHS = ("/api/",)


def is_database_outage(exc):
    """The database cannot be reached or stopped answering: a connection that
    failed or was lost. Not a query the code got wrong (ProgrammingError,
    IntegrityError): those stay 500s."""
    return isinstance(exc, OperationalError | InterfaceError)


def server_error(request, *args, **kwargs):
    exc = sys.exc_info()[1]
    if is_database_outage(exc):
        return outage_response(request)
    return error_page(request, status=500)


def outage_response(request):
    path = request.path_info
    if path.startswith(API_PATHS):
        response = JsonResponse(
            {"detail": _("The database is unavailable for a moment. Try again shortly.")},
            status=503,
        )
        return _retry_later(response)
    if not path.startswith(MEMBER_PATHS):
        stale = cache.stale_response(request)
        if stale is not None:
            logger.warning("database unavailable: served the cached copy of %s", path)
            return stale
    return error_page(request, status=503, members=path.startswith(MEMBER_PATHS))


def error_page(request, *, status, members=False):
    """The 500 or 503 page in the visitor's language, rendered without the
    database (no request context: context processors may query)."""
    language = cache.request_language(request)
    with translation.override(language):
        lines = hotline_snapshot.read(language)
        html = render_to_string(
            f"{status}.html",
            {
                "LANGUAGE_CODE": language,
                "chrome": {"hotline_groups": hotlines_by_country(lines)},
                "members": members,
                "hotlines_title": _("Call a hotline"),
            },
        )
    response = HttpResponse(html, status=status)
    response.headers["Content-Language"] = language
    response.headers["Cache-Control"] = "no-store"
    return _retry_later(response) if status == 503 else response


def _retry_later(response):
    response.headers["Retry-After"] = str(settings.PORTAL_OUTAGE_RETRY_AFTER)
    return response
