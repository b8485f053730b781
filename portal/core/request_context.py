"""Where a request comes from and through which address it was made, for the
length of one request: set once by ``RequestContextMiddleware`` (as Wagtail's ``LogContext``
does for its log), read by the audit log and by mail links without every
service passing the request down.

Outside a request (management commands, queued work, tests calling services
directly) there is no context: the audit records no address, and links use
PORTAL_BASE_URL. A command that acts for somebody opens one with ``using()``.
"""

import contextlib
import contextvars
from dataclasses import dataclass

from django.core.exceptions import DisallowedHost


@dataclass(frozen=True)
class RequestContext:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted
    # proxy rewrites it, and an audit log must not record what a visitor claims.
    client_address: str | None = None
    # Scheme and host the person used (checked against ALLOWED_HOSTS), so mail
    # sent while the request runs, or after its commit, links back to it.
    origin: str | None = None
    # No actor: services take the person acting as an argument, since commands
    # and queued work act for somebody without a request.


_current = contextvars.ContextVar("portal_request_context", default=None)


def current():
    """The context of the request being answered, or None."""
    return _current.get()


def client_address():
    context = _current.get()
    return context.client_address if context else None


def origin():
    context = _current.get()
    return context.origin if context else None


@contextlib.contextmanager
def using(context):
    """Run the block in ``context`` (a RequestContext, or None for none): for
    work that outlives its request, such as mail sent after the commit."""
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def from_request(request):
    try:
        # Validates the Host header: a host not in ALLOWED_HOSTS never reaches
        # a link; PORTAL_BASE_URL is used instead.
        request_origin = request.build_absolute_uri("/").rstrip("/")
    except DisallowedHost:
        request_origin = None
    return RequestContext(
        client_address=request.META.get("REMOTE_ADDR") or None,
        origin=request_origin,
    )


class RequestContextMiddleware:
    """Opens the context for every request. Placed first: what it records does
    not depend on the session or the user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with using(from_request(request)):
            return self.get_response(request)
