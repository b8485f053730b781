"""/api/v1/ abuse limits, tried from the attacker's side: a flood of made-up
tokens, a partner hammering with a valid token, a member's script, one address
flooding the public route. The counters live in the real PostgreSQL cache
table; only the limiter's clock is moved (portal.core.ratelimit.clock)."""

import secrets

import pytest

from portal.api import audit_actions as api_actions
from portal.api.models import RefusedTokenWindow, Scope
from portal.core import ratelimit
from portal.members.models import AuditEvent
from portal.reports import audit_actions as report_actions
from tests.api.conftest import bearer, make_token
from tests.reports.factories import network_user, publish

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("database_caches")]

ATTACKER = "203.0.113.66"
PARTNER = "198.51.100.20"
EXPORT = "/api/v1/cases/anonymised"


@pytest.fixture
def limits(settings):
    settings.PORTAL_RATE_LIMITS = {
        "api.address": "1000/m",
        "api.token": "3/m",
        "api.member": "3/m",
        "api.refused": "5/m,8/h",
    }
    settings.PORTAL_API_REFUSED_AUDIT_SECONDS = 3600
    return settings.PORTAL_RATE_LIMITS


@pytest.fixture
def clock(monkeypatch):
    """The limiter's clock, moved only when told; it starts 5 s into an hour."""
    now = [1_800_000_005.0]
    monkeypatch.setattr(ratelimit, "clock", lambda: now[0])
    return now


@pytest.fixture(autouse=True)
def _a_release(db):
    """The partner and public routes answer from a published release (404 before one)."""
    publish()


def made_up_token():
    return f"fnp_{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}"


def call(client, path=EXPORT, *, address=ATTACKER, token=None):
    headers = bearer(token) if token else {}
    return client.get(path, REMOTE_ADDR=address, **headers)


def refusal_rows():
    return AuditEvent.objects.filter(action=api_actions.API_TOKEN_USED).exclude(
        details__outcome__in=["accepted", "missing_scope"]
    )


def assert_too_many(response):
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 1 <= wait <= 3600
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"detail"}
    assert f"Try again in {wait} second" in response.json()["detail"]
    return wait


def test_a_made_up_token_flood_writes_one_audit_row_with_the_count_then_gets_429(
    client, limits, clock
):
    for _ in range(5):
        assert call(client, token=made_up_token()).status_code == 401
    [row] = refusal_rows()
    assert row.ip_address == ATTACKER and row.details["outcome"] == "unknown"
    [window] = RefusedTokenWindow.objects.all()
    assert window.address == ATTACKER and window.count == 5

    wait = assert_too_many(call(client, token=made_up_token()))
    assert wait <= 60
    # Still one row: the blocked calls were not even looked up, let alone logged.
    for _ in range(20):
        assert call(client, token=made_up_token()).status_code == 429
    assert refusal_rows().count() == 1
    assert RefusedTokenWindow.objects.get().count == 5


def test_a_guessing_address_is_refused_before_its_token_is_checked(client, limits, clock):
    token, raw = make_token()
    for _ in range(5):
        call(client, token=made_up_token())
    # Even a real token from the guessing address waits: guessing stops here.
    assert_too_many(call(client, token=raw))
    token.refresh_from_db()
    assert token.use_count == 0
    assert not AuditEvent.objects.filter(details__outcome="accepted").exists()


def test_other_addresses_are_not_affected_by_a_guessing_address(client, limits, clock):
    _token, raw = make_token()
    for _ in range(6):
        call(client, token=made_up_token())
    assert call(client, token=made_up_token()).status_code == 429
    assert call(client, token=raw, address=PARTNER).status_code == 200
    assert call(client, token=made_up_token(), address=PARTNER).status_code == 401


def test_after_waiting_retry_after_the_address_may_try_again_in_the_same_audit_row(
    client, limits, clock
):
    _token, raw = make_token()
    for _ in range(5):
        call(client, token=made_up_token())
    wait = assert_too_many(call(client, token=made_up_token()))
    clock[0] += wait
    assert call(client, token=raw).status_code == 200
    assert call(client, token=made_up_token()).status_code == 401
    # Same hour, same audit row; the counter says how many were refused.
    assert refusal_rows().count() == 1
    assert RefusedTokenWindow.objects.get().count == 6


def test_the_hourly_refusal_limit_holds_across_minutes(client, limits, clock):
    for minute in range(2):
        for _ in range(5 if minute == 0 else 3):
            assert call(client, token=made_up_token()).status_code == 401
        clock[0] += 60
    wait = assert_too_many(call(client, token=made_up_token()))
    assert wait > 60  # the hour's limit (8/h), not the minute's
    assert RefusedTokenWindow.objects.get().count == 8


def test_a_new_window_writes_one_new_audit_row(client, limits, clock):
    call(client, token=made_up_token())
    clock[0] += 3600
    call(client, token=made_up_token())
    call(client, token=made_up_token())
    assert refusal_rows().count() == 2
    assert sorted(RefusedTokenWindow.objects.values_list("count", flat=True)) == [1, 2]


def test_a_revoked_token_stays_visible_behind_a_flood_of_made_up_ones(client, limits, clock):
    token, raw = make_token(revoked=True)
    call(client, token=made_up_token())
    call(client, token=made_up_token())
    assert call(client, token=raw).status_code == 401
    assert call(client, token=raw).status_code == 401
    revoked = refusal_rows().get(details__outcome="revoked")
    assert revoked.target_id == str(token.pk) and revoked.details["prefix"] == token.prefix
    assert refusal_rows().count() == 2
    assert RefusedTokenWindow.objects.get(token_prefix=token.prefix).count == 2


def test_a_valid_token_over_its_limit_waits_and_another_token_does_not(client, limits, clock):
    token, raw = make_token()
    _other, other_raw = make_token(name="Another partner")
    for _ in range(3):
        assert call(client, token=raw, address=PARTNER).status_code == 200
    wait = assert_too_many(call(client, token=raw, address=PARTNER))
    assert call(client, token=other_raw, address=PARTNER).status_code == 200
    # The refused call handed out nothing and wrote nothing.
    token.refresh_from_db()
    assert token.use_count == 3
    used = AuditEvent.objects.filter(action=api_actions.API_TOKEN_USED, target_id=str(token.pk))
    assert used.count() == 3
    exports = AuditEvent.objects.filter(
        action=report_actions.REPORT_EXPORTED, details__token_prefix=token.prefix
    )
    assert exports.count() == 3

    clock[0] += wait
    assert call(client, token=raw, address=PARTNER).status_code == 200


def test_a_token_without_the_scope_also_counts_against_its_limit(client, limits, clock):
    _token, raw = make_token(scopes=[Scope.STATISTICS])
    for _ in range(3):
        assert call(client, token=raw, address=PARTNER).status_code == 403
    assert_too_many(call(client, token=raw, address=PARTNER))


def test_a_member_script_over_its_limit_waits_and_another_member_does_not(client, limits, clock):
    script = network_user()
    client.force_login(script)
    for _ in range(3):
        assert call(client, "/api/v1/workspaces", address=PARTNER).status_code == 200
    wait = assert_too_many(call(client, "/api/v1/workspaces", address=PARTNER))
    client.force_login(network_user())
    assert call(client, "/api/v1/workspaces", address=PARTNER).status_code == 200
    client.force_login(script)
    clock[0] += wait
    assert call(client, "/api/v1/workspaces", address=PARTNER).status_code == 200


def test_one_address_flooding_the_public_route_waits_and_others_do_not(
    client, limits, settings, clock
):
    settings.PORTAL_RATE_LIMITS = {**limits, "api.address": "4/m"}
    for _ in range(4):
        assert call(client, "/api/v1/statistics").status_code == 200
    assert_too_many(call(client, "/api/v1/statistics"))
    # The address limit comes before authentication: a member's session does not lift it.
    client.force_login(network_user())
    assert_too_many(call(client, "/api/v1/workspaces"))
    assert call(client, "/api/v1/statistics", address=PARTNER).status_code == 200


def test_the_openapi_document_says_every_route_may_answer_429_with_retry_after(client):
    schema = client.get("/api/v1/openapi.json").json()
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) >= 7
    for operation in operations:
        too_many = operation["responses"]["429"]
        assert "Retry-After" in too_many["headers"]
        ref = too_many["content"]["application/json"]["schema"]["$ref"]
        assert schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]["required"] == ["detail"]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_refusals_from_one_address_share_one_audit_row_and_count_all(settings):
    """Two workers meeting the first refusal of a window at once must not
    write two audit rows nor lose a count (the unique window settles it)."""
    import threading

    from django.db import connection
    from django.test import RequestFactory

    from portal.api import tokens

    settings.PORTAL_API_REFUSED_AUDIT_SECONDS = 3600
    workers = 6
    start = threading.Barrier(workers)
    errors = []

    def refuse():
        try:
            request = RequestFactory().get(EXPORT, REMOTE_ADDR=ATTACKER)
            start.wait()
            tokens.record_use(None, request, outcome=tokens.UNKNOWN, presented_prefix="guess")
        except Exception as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=refuse) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert refusal_rows().count() == 1
    assert RefusedTokenWindow.objects.get().count == workers
