"""Checks every entry a source hands over before it reaches the index.

A source bug must not become a leak or a script injection: audience tokens must
be well-formed (a typo would make a document invisible, never visible to all),
URLs must be site-relative or http(s), text is plain and bounded.
"""

import dataclasses
import datetime
import json
import re

from django.utils import timezone

from portal.core.audience import NETWORK, PUBLIC

from . import analysis, spelling

MAX_TITLE_CHARS = 500
MAX_BODY_CHARS = 50_000
MAX_URL_CHARS = 500

_TOKEN = re.compile(r"^(?:workspace:[1-9][0-9]*)$")
_COUNTRY = re.compile(r"^[A-Z]{2}$|^OTHER$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})?$")
# Control characters, and two private-use characters that once marked
# matches in highlighted text (kept out so no old marker can be content).
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000\ue001]")
_SPACES = re.compile(r"\s+")


class InvalidEntry(ValueError):
    """A source produced an entry the index must not take."""


def is_valid_token(token):
    return token in (PUBLIC, NETWORK) or bool(_TOKEN.match(token))


def plain(text, limit):
    text = _UNWANTED.sub(" ", str(text or ""))
    return _SPACES.sub(" ", text).strip()[:limit]


def _safe_url(url):
    url = (url or "").strip()
    if len(url) > MAX_URL_CHARS:
        raise InvalidEntry("url is too long")
    if url.startswith("/") and not url.startswith("//"):
        return url
    if url.startswith(("https://", "http://")):
        return url
    raise InvalidEntry(f"url {url[:60]!r} is neither site-relative nor http(s)")


def _aware(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, datetime.date):
        return timezone.make_aware(datetime.datetime.combine(value, datetime.time()))
    raise InvalidEntry(f"date {value!r} is not a date")


def clean(entry, kind):
    """The entry, normalised; InvalidEntry when it must not be indexed."""
    if entry.kind != kind:
        raise InvalidEntry(f"entry kind {entry.kind!r} from the {kind!r} source")
    tokens = tuple(sorted(set(entry.audiences)))
    bad = [t for t in tokens if not isinstance(t, str) or not is_valid_token(t)]
    if bad or not tokens:
        raise InvalidEntry(f"invalid audience tokens {bad or tokens!r}")
    countries = tuple(sorted({str(c).strip().upper() for c in entry.countries if c}))
    if any(not _COUNTRY.match(c) for c in countries):
        raise InvalidEntry(f"countries {countries!r} are not ISO 3166 alpha-2 codes")
    language = (entry.language or "").strip().lower()
    if language and not _LANGUAGE.match(language):
        raise InvalidEntry(f"language {language!r} is not a language code")
    try:
        json.dumps(entry.extra)
    except (TypeError, ValueError) as exc:
        raise InvalidEntry(f"extra is not JSON: {exc}") from exc
    title = plain(entry.title, MAX_TITLE_CHARS)
    body = plain(entry.body, MAX_BODY_CHARS)
    if language == "uz":
        title, body = spelling.uzbek(title), spelling.uzbek(body)
    if not title:
        raise InvalidEntry("the title is empty")
    object_id = str(entry.object_id)
    if not object_id or len(object_id) > 64:
        raise InvalidEntry("object_id must be 1 to 64 characters")
    title_words, title_stems = analysis.analysed(title)
    body_words, body_stems = analysis.analysed(body)
    return dataclasses.replace(
        entry,
        object_id=object_id,
        title=title,
        body=body,
        title_words=title_words,
        body_words=body_words,
        title_stems=title_stems,
        body_stems=body_stems,
        url=_safe_url(entry.url),
        audiences=tokens,
        language=language,
        countries=countries,
        date=_aware(entry.date),
        workspace_id=int(entry.workspace_id) if entry.workspace_id is not None else None,
    )


def doc_id(kind, object_id):
    return f"{kind}-{object_id}"
