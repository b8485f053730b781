"""Abuse limits on the shared cache: fixed windows counted per key.

Rates are written the way allauth writes its own (``ACCOUNT_RATE_LIMITS``):
``"60/m"``, ``"1000/h"``, ``"5/5m"``, several joined by commas. They live in
``settings.PORTAL_RATE_LIMITS`` under an action name, so an installation tunes
them without code::

    result = consume("api.token", key=token.prefix)
    if not result.allowed:
        return too_many(result.retry_after)

The counters sit in the "default" cache, which every worker shares (the page
cache lives apart, so filling it with pages never evicts a counter). Fixed
windows let a burst of twice the rate straddle a boundary; for abuse limits
that is an acceptable price for one cache round trip per check.
"""

import contextlib
import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
CACHE_ALIAS = "default"


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


@dataclass(frozen=True)
class Outcome:
    allowed: bool
    retry_after: int = 0  # seconds until the fullest window reopens


ALLOWED = Outcome(True)


def clock():
    """Seconds since the epoch; tests replace this, not time.time (the database
    cache reads the real clock for its own expiry)."""
    return time.time()


def parse_rates(text):
    """ "10/m,100/h" -> (Rate(10, 60), Rate(100, 3600)); "" -> (). A malformed
    rate is a configuration error, raised at once rather than silently ignored."""
    rates = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            amount, period = part.split("/", 1)
            multiple, unit = period[:-1] or "1", period[-1]
            rates.append(Rate(int(amount), int(multiple) * _UNITS[unit]))
        except (ValueError, KeyError) as exc:
            raise ValueError(
                f"malformed rate {part!r}: write it as N/s, N/m, N/5m, N/h or N/d"
            ) from exc
    return tuple(rates)


def rates_for(action):
    return parse_rates(getattr(settings, "PORTAL_RATE_LIMITS", {}).get(action, ""))


def _cache_key(action, key, rate, window):
    # Keys may hold an address or an email; hash them so the cache never keeps
    # them readable and memcached's key rules never bite.
    digest = hashlib.sha256(f"{action}|{key}".encode()).hexdigest()[:32]
    return f"ratelimit:{digest}:{rate.seconds}:{window}"


def consume(action, *, key, amount=1, rates=None):
    """Count one attempt of ``action`` by ``key``; refused when any of the
    action's rates is exhausted in its current window. A refused attempt is not
    counted, so a client that waits as told gets in."""
    rates = rates_for(action) if rates is None else rates
    if not rates:
        return ALLOWED
    cache = caches[CACHE_ALIAS]
    now = clock()
    refused_for = 0
    counted = []
    for rate in rates:
        window = int(now // rate.seconds)
        cache_key = _cache_key(action, key, rate, window)
        # add() creates the counter only if it is missing; incr() is atomic on
        # the database, Redis and memcached backends.
        cache.add(cache_key, 0, timeout=rate.seconds + 1)
        try:
            count = cache.incr(cache_key, amount)
        except ValueError:  # expired between add() and incr()
            cache.set(cache_key, amount, timeout=rate.seconds + 1)
            count = amount
        counted.append(cache_key)
        if count > rate.limit:
            refused_for = max(refused_for, math.ceil((window + 1) * rate.seconds - now))
    if refused_for:
        for cache_key in counted:
            with contextlib.suppress(ValueError):  # the window just expired
                cache.decr(cache_key, amount)
        return Outcome(False, max(refused_for, 1))
    return ALLOWED


def client_address(request):
    """The address abuse limits count by: REMOTE_ADDR, which the deployment's
    proxy sets (see README "Deployment"); never a header the client writes."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def peek(action, *, key, rates=None):
    """Whether one more attempt of ``action`` by ``key`` would be allowed,
    without counting it. For a gate in front of a check where only failures
    count (refused API tokens): the gate must not count the successes."""
    rates = rates_for(action) if rates is None else rates
    if not rates:
        return ALLOWED
    now = clock()
    windows = {_cache_key(action, key, rate, int(now // rate.seconds)): rate for rate in rates}
    counts = caches[CACHE_ALIAS].get_many(list(windows))
    refused_for = 0
    for cache_key, rate in windows.items():
        if counts.get(cache_key, 0) >= rate.limit:
            window = int(now // rate.seconds)
            refused_for = max(refused_for, math.ceil((window + 1) * rate.seconds - now))
    return Outcome(False, max(refused_for, 1)) if refused_for else ALLOWED
