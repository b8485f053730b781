"""Mail from the members' area. Mailboxes leak, so every message says as little
as possible: the workspace's name, at most a discussion title, and a link that
needs a sign-in. Never a comment, a file name or anything about a case."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from portal.core import request_context

logger = logging.getLogger(__name__)


def absolute_url(path):
    """The one way mail (and commands that print links) turn a path into a
    link. Inside a request: the address the person used to reach the portal
    (its host is checked against ALLOWED_HOSTS; portal.core.request_context),
    so `PORT=8001 make run` or a second host name get links that work. Outside
    one (commands, queued mail, digests): PORTAL_BASE_URL, which follows PORT
    under `make run`."""
    origin = request_context.origin()
    if origin is not None:
        return origin + path
    return settings.PORTAL_BASE_URL.rstrip("/") + path


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
