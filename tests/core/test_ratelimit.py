"""The shared abuse limiter: counts per key in the shared cache, says how long
to wait, and lets a client that waited back in."""

import pytest

from portal.core import ratelimit
from portal.core.ratelimit import Rate, consume, parse_rates

# The counters in the shared database cache, as in production.
pytestmark = pytest.mark.usefixtures("database_caches")


def test_rates_are_read_the_way_allauth_writes_them():
    assert parse_rates("10/m, 100/h,5/5m,1/d") == (
        Rate(10, 60),
        Rate(100, 3600),
        Rate(5, 300),
        Rate(1, 86400),
    )
    assert parse_rates("") == ()


def test_a_malformed_rate_is_a_configuration_error_that_says_how_to_write_it():
    with pytest.raises(ValueError, match="N/m"):
        parse_rates("ten per minute")


def test_the_attempt_over_the_limit_is_refused_with_a_wait(db):
    rates = (Rate(3, 60),)
    outcomes = [consume("test.action", key="203.0.113.7", rates=rates) for _ in range(4)]
    assert [o.allowed for o in outcomes] == [True, True, True, False]
    assert 1 <= outcomes[-1].retry_after <= 60


def test_keys_are_counted_apart(db):
    rates = (Rate(1, 60),)
    assert consume("test.action", key="a", rates=rates).allowed
    assert not consume("test.action", key="a", rates=rates).allowed
    assert consume("test.action", key="b", rates=rates).allowed
    assert consume("other.action", key="a", rates=rates).allowed


def test_a_refused_attempt_does_not_use_up_the_next_window(db, monkeypatch):
    rates = (Rate(1, 60),)
    clock = [1_000_020.0]
    monkeypatch.setattr(ratelimit, "clock", lambda: clock[0])
    assert consume("test.action", key="k", rates=rates).allowed
    refused = consume("test.action", key="k", rates=rates)
    assert not refused.allowed
    clock[0] += refused.retry_after
    assert consume("test.action", key="k", rates=rates).allowed


def test_an_action_without_a_configured_rate_is_not_limited(db, settings):
    settings.PORTAL_RATE_LIMITS = {}
    assert all(consume("unlimited", key="k").allowed for _ in range(50))


def test_peeking_tells_whether_the_next_attempt_would_pass_without_counting_it(db):
    rates = (Rate(2, 60),)
    assert all(ratelimit.peek("test.action", key="k", rates=rates).allowed for _ in range(5))
    consume("test.action", key="k", rates=rates)
    assert ratelimit.peek("test.action", key="k", rates=rates).allowed
    consume("test.action", key="k", rates=rates)
    shut = ratelimit.peek("test.action", key="k", rates=rates)
    assert not shut.allowed and 1 <= shut.retry_after <= 60
