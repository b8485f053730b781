"""The public page cache.

Anonymous GETs of public pages are answered from a shared cache (the ``pages``
alias: by default files under PORTAL_STATE_DIR, shared by every server process
on the host and readable while PostgreSQL is down). Every entry records the
*content version* it was rendered under; publishing, unpublishing, moving or
deleting a page, editing a hotline, an organisation, an image or a document
sets a new version (see signals.py), so every older entry stops counting at
once, in every server process, without listing or deleting keys.

A hit is answered by ``PublicPageCacheMiddleware`` before sessions,
authentication, messages and Wagtail's routing run, with one cache read. Only a
request that carries no session and no messages cookie is looked up: without a
session there is no signed-in person and nothing personal to show.

A response is never stored when it belongs to one person: a signed-in visitor,
a response that sets a cookie (other than the language it was read in), uses a
CSRF token or shows messages, or a page under a view restriction.

Entries outlive their freshness (PORTAL_PAGE_CACHE_STALE_SECONDS): when the
database is unreachable, ``stale_response`` serves a copy stored since the last
change to public content, however old, marked as such.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

from portal.core.pagination import page_was_normalised

from . import language_cookie

logger = logging.getLogger(__name__)

VERSION_KEY = "public:version"
PAGE_KEY_PREFIX = "public:page:"
# Query parameters the public pages understand; other query strings bypass the
# cache so nobody can fill it with made-up URLs.
CACHEABLE_PARAMS = frozenset({"page", "tag", "topic", "audience", "language", "country", "type"})
CACHEABLE_TYPES = (
    "text/html",
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/calendar",
    "text/plain",
)
# Set again for every response by the server or by the middleware outside the cache.
UNSTORED_HEADERS = frozenset({"content-length", "date", "content-encoding"})
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")
_BODY_TAG = re.compile(rb"<body[^>]*>")


def page_cache():
    alias = "pages" if "pages" in settings.CACHES else "default"
    return caches[alias]


def timeout():
    return settings.PORTAL_PAGE_CACHE_SECONDS


def stale_timeout():
    return max(timeout(), settings.PORTAL_PAGE_CACHE_STALE_SECONDS)


# --- Versions -----------------------------------------------------------------


def new_version():
    return uuid.uuid4().hex


def purge():
    """Make every cached public page and fragment stale."""
    page_cache().set(VERSION_KEY, new_version(), None)


def _current_version(cache, found):
    version = found.get(VERSION_KEY)
    if version is None:
        # Lost (evicted, or a fresh cache): start a new version; anything stored
        # before is stale by construction.
        version = new_version()
        if not cache.add(VERSION_KEY, version, None):
            version = cache.get(VERSION_KEY) or version
    return version


def get_versioned(key):
    """(value, version): the value stored under ``key`` if it was stored under
    the current version, else None; one cache round trip."""
    cache = page_cache()
    found = cache.get_many([VERSION_KEY, key])
    version = _current_version(cache, found)
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return entry[1], version
    return None, version


def set_versioned(key, value, version, seconds=None):
    page_cache().set(key, (version, value), timeout() if seconds is None else seconds)


def versioned(name, parts, build, seconds=None):
    """A public fragment (page chrome, listings, language links): kept under
    the content version, one cache read when found, built and stored when
    not. ``parts`` say what it depends on; ``seconds`` defaults to the page
    cache's timeout, so turning the page cache off turns it off too."""
    seconds = timeout() if seconds is None else seconds
    if seconds <= 0:
        return build()
    key = f"public:{name}:" + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()
    value, version = get_versioned(key)
    if value is None:
        value = build()
        set_versioned(key, value, version, seconds)
    return value


# --- Pages --------------------------------------------------------------------


def cached(view):
    """Mark a view as rendering public, anonymous-safe content: the middleware
    may store what it answers (after checking the response, see
    ``response_is_cacheable``) and answer the next visitor from the cache."""

    def wrapper(request, *args, **kwargs):
        request.public_page_view = True
        return view(request, *args, **kwargs)

    wrapper.__name__ = getattr(view, "__name__", "cached_view")
    wrapper.__doc__ = view.__doc__
    return wrapper


def request_is_cacheable(request):
    """May this request be answered from (and stored in) the cache? Decided
    from the request alone, before any middleware behind the cache runs."""
    if timeout() <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if not set(request.GET).issubset(CACHEABLE_PARAMS):
        return False
    # No session: nobody is signed in. No messages cookie: no "You have signed
    # out" waiting to be shown (messages kept in a session need a session).
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies


def response_is_cacheable(request, response):
    if not getattr(request, "public_page_view", False):
        return False
    if response.status_code != 200 or response.streaming:
        return False
    if set(response.cookies) - {settings.LANGUAGE_COOKIE_NAME}:
        return False  # a session or CSRF cookie: this visitor's response
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return False
    if page_was_normalised(request):
        return False  # ?page=abc shows page 1: one copy per made-up value would fill the cache
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the page holds a CSRF token: it is this visitor's
    messages = getattr(request, "_messages", None)
    if messages is not None and messages.used:
        return False
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-" in cache_control:
        return False
    if not response.get("Content-Type", "").startswith(CACHEABLE_TYPES):
        return False
    route = getattr(request, "_wagtail_route_for_request", None)
    if route:
        page = route[0]
        if page.get_view_restrictions().exists():
            return False  # someone who passed a password must not share the page
    return True


def request_language(request):
    """The language LocaleMiddleware will choose for this request (from the
    path's prefix, else the cookie or the browser), known before it runs."""
    return translation.get_language_from_request(request, check_path=True)


def page_key(request):
    query = "&".join(f"{k}={v}" for k, v in sorted(request.GET.items()))
    raw = "|".join([request.get_host(), request.path, query, request_language(request)])
    return PAGE_KEY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def lookup(key):
    """(entry, version): a fresh entry under ``key`` or None, and the content
    version to store a new one under. One cache round trip. A cache that
    fails is a miss: the page is rendered instead."""
    try:
        cache = page_cache()
        found = cache.get_many([VERSION_KEY, key])
        version = _current_version(cache, found)
    except Exception:
        logger.exception("public page cache unreadable; rendering the page")
        return None, None
    entry = found.get(key)
    if entry and entry["version"] == version and time.time() - entry["stored_at"] < timeout():
        return entry, version
    return None, version


def make_entry(response, version):
    content = response.content
    headers = [
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in UNSTORED_HEADERS
    ]
    return {
        "version": version,
        "stored_at": time.time(),
        "status": response.status_code,
        "headers": headers,
        "content": content,
        # Compressed once here rather than on every hit. Public pages carry
        # no secret, so compressing them is safe (BREACH needs a secret in the
        # body) and saves most of the bytes on a phone.
        "gzip": compress_string(content),
    }


def store(key, version, response):
    """Keep ``response`` under ``key`` and return the entry, or None when the
    cache cannot take it (the page is still answered)."""
    entry = make_entry(response, version)
    try:
        page_cache().set(key, entry, stale_timeout())
    except Exception:
        logger.exception("public page cache not writable; page served without storing it")
    return entry


def respond(request, entry):
    """The response for a stored entry, compressed when the browser accepts it."""
    response = HttpResponse(status=entry["status"])
    for name, value in entry["headers"]:
        response.headers[name] = value
    patch_vary_headers(response, ("Accept-Encoding",))
    if _ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response.content = entry["gzip"]
        response.headers["Content-Encoding"] = "gzip"
    else:
        response.content = entry["content"]
    response.headers["Content-Length"] = str(len(response.content))
    return language_cookie.remember_path_language(request, response)


class PublicPageCacheMiddleware:
    """Answers anonymous public pages from the cache before the expensive
    middleware behind it (sessions, authentication, messages) and Wagtail's
    routing run; stores what a ``cached`` view answered, with the headers the
    middleware behind it added, so a hit is the same response as a miss."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request_is_cacheable(request):
            return self.get_response(request)
        key = page_key(request)
        entry, version = lookup(key)
        if entry is not None:
            return respond(request, entry)
        response = self.get_response(request)
        if version is None or not response_is_cacheable(request, response):
            return response
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        return respond(request, store(key, version, response))


# --- While the database is down --------------------------------------------------


def stale_response(request):
    """The stored copy of this public page, whatever its age, with a notice
    that it may be out of date; None when there is none.

    Only a copy stored under the current content version: any change to
    public content since (an unpublished page, a name removed from a news
    item, a document made private) makes every older copy unusable, so an
    outage can never bring back what an editor took down. Pages visited since
    the last change (the busy ones, within minutes) are there."""
    if request.method not in ("GET", "HEAD") or not set(request.GET).issubset(CACHEABLE_PARAMS):
        return None
    key = page_key(request)
    try:
        found = page_cache().get_many([VERSION_KEY, key])
    except Exception:
        logger.exception("public page cache unreadable during an outage")
        return None
    entry = found.get(key)
    if not entry or entry["status"] != 200 or found.get(VERSION_KEY) != entry["version"]:
        return None
    response = HttpResponse(status=200)
    for name, value in entry["headers"]:
        response.headers[name] = value
    content = entry["content"]
    if response.get("Content-Type", "").startswith("text/html"):
        with translation.override(request_language(request)):
            notice = render_to_string(
                "home/stale_notice.html",
                {"saved_at": datetime.fromtimestamp(entry["stored_at"], tz=UTC)},
            )
        content = _BODY_TAG.sub(lambda m: m.group(0) + notice.encode(), content, count=1)
    response.content = content
    # Nobody downstream may keep this copy: it is served only until the
    # database is back.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Portal-Stale"] = "1"
    return response
