"""Mail from the members' area. Mailboxes leak, so every message says as little
as possible: the workspace's name, at most a discussion title, and a link that
needs a sign-in. Never a comment, a file name or anything about a case."""

import contextlib
import contextvars
import logging

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


# The scheme and host of the request being answered, for mail sent while it
# runs without the request at hand (notifications sent after the commit).
_request_origin = contextvars.ContextVar("portal_request_origin", default=None)


def absolute_url(path, request=None):
    """The one way mail (and commands that print links) turn a path into a
    link. Inside a request: the address the person used to reach the portal
    (its host is checked against ALLOWED_HOSTS), so `PORT=8001 make run` or a
    second host name get links that work. Outside one (commands, queued mail,
    digests): PORTAL_BASE_URL, which follows PORT under `make run`."""
    if request is not None:
        return request.build_absolute_uri(path)
    origin = _request_origin.get()
    if origin is not None:
        return origin + path
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def current_origin():
    return _request_origin.get()


@contextlib.contextmanager
def using_origin(origin):
    """Build links against ``origin`` (scheme and host) inside the block."""
    token = _request_origin.set(origin)
    try:
        yield
    finally:
        _request_origin.reset(token)


class RequestOriginMiddleware:
    """Remembers the current request's origin for ``absolute_url``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            # Validates the Host header: a host not in ALLOWED_HOSTS never
            # reaches a mail; PORTAL_BASE_URL is used instead.
            origin = request.build_absolute_uri("/").rstrip("/")
        except DisallowedHost:
            origin = None
        with using_origin(origin):
            return self.get_response(request)


def render_message(template, context, to):
    """``template`` names a pair: <template>_subject.txt and <template>_body.txt."""
    # The portal keeps no language per person; mail goes out in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        context = {"site_name": translation.gettext(settings.WAGTAIL_SITE_NAME), **context}
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}_body.txt", context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def send_messages(messages):
    """Send each message on one connection; one bad address or a mail server
    hiccup must not undo what the person just did. Returns how many went out."""
    if not messages:
        return 0
    sent = 0
    try:
        with get_connection() as connection:
            for message in messages:
                try:
                    sent += connection.send_messages([message]) or 0
                except Exception:
                    logger.exception("could not send a notification")
    except Exception:
        logger.exception("could not connect to the mail server")
    return sent
