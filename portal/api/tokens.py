"""Issuing, revoking and checking partner API tokens. Every accepted use is
audited; refused tokens are counted per address and window (one audit row per
window, see ``RefusedTokenWindow``), so a flood of made-up tokens cannot flood
the audit log.

A token reads ``fnp_<prefix>_<secret>``: the prefix finds the row, the SHA-256
of the whole token must match the stored hash. The secret has 256 bits of
randomness, so a plain (fast) hash is enough: there is nothing to brute-force.
"""

import hashlib
import hmac
import re
import secrets
import string
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from portal.core import ratelimit
from portal.core.ratelimit import client_address
from portal.members import audit

from . import audit_actions
from .models import ApiToken, RefusedTokenWindow

_PREFIX_ALPHABET = string.ascii_lowercase + string.digits
_TOKEN = re.compile(r"^fnp_([a-z0-9]{8})_([A-Za-z0-9_-]{20,100})$")

ACCEPTED = "accepted"
UNKNOWN = "unknown"
REVOKED = "revoked"
EXPIRED = "expired"
MISSING_SCOPE = "missing_scope"
REFUSED = (UNKNOWN, REVOKED, EXPIRED)


class TokenRefused(Exception):
    def __init__(self, reason, token=None):
        self.reason = reason
        self.token = token
        super().__init__(reason)


def _hash(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_prefix():
    while True:
        prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(8))
        if not ApiToken.objects.filter(prefix=prefix).exists():
            return prefix


@transaction.atomic
def issue_token(*, name, organisation, scopes, expires_at, actor):
    """A new token; returns (ApiToken, the token text). The text is not stored:
    show it to the person once."""
    prefix = _new_prefix()
    raw = f"fnp_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=name,
        organisation=organisation,
        prefix=prefix,
        key_hash=_hash(raw),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor,
        audit_actions.API_TOKEN_CREATED,
        target=token,
        prefix=prefix,
        organisation=organisation.pk,
        scopes=token.scopes,
        expires_at=expires_at.isoformat(),
    )
    return token, raw


@transaction.atomic
def revoke_token(token, *, actor):
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(actor, audit_actions.API_TOKEN_REVOKED, target=token, prefix=token.prefix)
    return token


def check_token(raw):
    """The ApiToken for this text, or TokenRefused(reason, token or None)."""
    match = _TOKEN.match(raw or "")
    if not match:
        raise TokenRefused(UNKNOWN)
    token = ApiToken.objects.select_related("organisation").filter(prefix=match[1]).first()
    if token is None or not hmac.compare_digest(token.key_hash, _hash(raw)):
        raise TokenRefused(UNKNOWN)
    if token.is_revoked:
        raise TokenRefused(REVOKED, token)
    if token.is_expired():
        raise TokenRefused(EXPIRED, token)
    return token


def record_use(token, request, *, outcome, scope="", presented_prefix=""):
    """Audit an API call made with a token.

    A valid token (accepted, or lacking the scope) writes one row per call:
    each accepted call hands data to an identifiable partner, and the log must
    answer "what did this partner fetch, when"; the per-token rate limit
    (``api.token``) bounds how many rows a token can write. A refused token
    (unknown, expired, revoked) is counted per address and window instead:
    one audit row at the first refusal of the window, the count in
    ``RefusedTokenWindow``."""
    if outcome in REFUSED:
        if not _count_refusal(token, request, outcome):
            return None
    elif token is not None and outcome == ACCEPTED:
        ApiToken.objects.filter(pk=token.pk).update(
            last_used_at=timezone.now(), use_count=F("use_count") + 1
        )
    window = _current_window() if outcome in REFUSED else None
    return audit.record(
        None,
        audit_actions.API_TOKEN_USED,
        target=token,
        outcome=outcome,
        scope=scope,
        method=request.method if request else "",
        path=request.path[:200] if request else "",
        prefix=token.prefix if token else presented_prefix[:16],
        organisation=token.organisation_id if token else None,
        **({"window_start": window[0].isoformat(), "window_seconds": window[1]} if window else {}),
    )


def refused_window_seconds():
    return getattr(settings, "PORTAL_API_REFUSED_AUDIT_SECONDS", 3600)


def _current_window():
    # The rate limiter's clock, so both agree on the windows (and a test that
    # moves one moves both).
    seconds = refused_window_seconds()
    start = int(ratelimit.clock() // seconds) * seconds
    return datetime.fromtimestamp(start, tz=UTC), seconds


def _count_refusal(token, request, outcome):
    return count_refusal(token, client_address(request) if request else "unknown", outcome)


def count_refusal(token, address, outcome):
    """Count one refused token from ``address``; True when it is the first of
    its window (the caller then writes the window's one audit row). Also for
    apps above this one whose refusals come after the token was accepted (a
    data-sharing agreement no longer in force)."""
    start, seconds = _current_window()
    key = {
        "address": address or "unknown",
        "window_start": start,
        # A known (revoked, expired) token gets its own row; made-up ones share one.
        "token_prefix": token.prefix if token else "",
    }
    # Counting first means a concurrent first refusal finds the row and only
    # counts; the unique constraint settles a tie between two creators.
    if RefusedTokenWindow.objects.filter(**key).update(
        count=F("count") + 1, last_at=timezone.now()
    ):
        return False
    try:
        with transaction.atomic():
            RefusedTokenWindow.objects.create(
                **key, window_seconds=seconds, first_outcome=outcome, count=1
            )
    except IntegrityError:
        RefusedTokenWindow.objects.filter(**key).update(
            count=F("count") + 1, last_at=timezone.now()
        )
        return False
    return True


def presented_prefix(raw):
    match = re.match(r"^fnp_([a-z0-9]{1,16})", raw or "")
    return match[1] if match else ""
