"""The public page cache.

Anonymous GETs of public pages are answered from a shared cache (the ``pages``
alias when configured, else the default cache). Every entry records the
*content version* it was rendered under; publishing, unpublishing, moving or
deleting a page, editing a hotline, an organisation, an image or a document
sets a new version (see signals.py), so every older entry stops counting at
once, in every server process, without listing or deleting keys.

A response is never stored when it belongs to one person: a signed-in visitor,
a response that sets a cookie, uses a CSRF token or shows messages, or a page
under a view restriction.
"""

from __future__ import annotations

import hashlib
import logging
import uuid

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.middleware.gzip import GZipMiddleware
from django.utils import translation

from portal.core.pagination import page_was_normalised

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
STORED_HEADERS = ("Content-Type", "Content-Language", "Content-Disposition")

_gzip = GZipMiddleware(get_response=lambda request: None)


def page_cache():
    alias = "pages" if "pages" in settings.CACHES else "default"
    return caches[alias]


def timeout():
    return settings.PORTAL_PAGE_CACHE_SECONDS


# --- Versions -----------------------------------------------------------------


def new_version():
    return uuid.uuid4().hex


def purge():
    """Make every cached public page and fragment stale."""
    page_cache().set(VERSION_KEY, new_version(), None)


def get_versioned(key):
    """(value, version): the value stored under ``key`` if it was stored under
    the current version, else None; one cache round trip."""
    cache = page_cache()
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        # Lost (evicted, or a fresh cache): start a new version; anything stored
        # before is stale by construction.
        version = new_version()
        if not cache.add(VERSION_KEY, version, None):
            version = cache.get(VERSION_KEY) or version
        return None, version
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return entry[1], version
    return None, version


def set_versioned(key, value, version, seconds=None):
    page_cache().set(key, (version, value), timeout() if seconds is None else seconds)


# --- Pages --------------------------------------------------------------------


def request_is_cacheable(request):
    if timeout() <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if not set(request.GET).issubset(CACHEABLE_PARAMS):
        return False
    if request.user.is_authenticated:
        return False
    # Messages waiting for this visitor ("You have signed out") must be shown.
    return not len(get_messages(request))


def response_is_cacheable(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if page_was_normalised(request):
        return False  # ?page=abc shows page 1: one copy per made-up value would fill the cache
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the page holds a CSRF token: it is this visitor's
    messages = getattr(request, "_messages", None)
    if messages is not None and messages.used:
        return False
    if "private" in response.get("Cache-Control", "") or "no-" in response.get("Cache-Control", ""):
        return False
    if not response.get("Content-Type", "").startswith(CACHEABLE_TYPES):
        return False
    route = getattr(request, "_wagtail_route_for_request", None)
    if route:
        page = route[0]
        if page.get_view_restrictions().exists():
            return False  # someone who passed a password must not share the page
    return True


def _page_key(request):
    query = "&".join(f"{k}={v}" for k, v in sorted(request.GET.items()))
    raw = "|".join([request.get_host(), request.path, query, translation.get_language() or ""])
    return PAGE_KEY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def _store(key, version, response):
    headers = {name: response[name] for name in STORED_HEADERS if name in response}
    set_versioned(key, (response.status_code, headers, response.content), version)


def _restore(entry):
    from django.http import HttpResponse

    status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def cached(view):
    """Wrap a view that renders public, anonymous-safe content."""

    def wrapper(request, *args, **kwargs):
        if not request_is_cacheable(request):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        entry, version = get_versioned(key)
        if entry is not None:
            return _gzip.process_response(request, _restore(entry))
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if not response_is_cacheable(request, response):
            return response
        _store(key, version, response)
        # Public pages carry no secret, so compressing them is safe (BREACH
        # needs a secret in the body) and saves most of the bytes on a phone.
        return _gzip.process_response(request, response)

    wrapper.__name__ = getattr(view, "__name__", "cached_view")
    wrapper.__doc__ = view.__doc__
    return wrapper
