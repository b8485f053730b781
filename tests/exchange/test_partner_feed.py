"""A partner reads signed releases under its agreement, and nothing else."""

import datetime
import json

import pytest
from django.utils import timezone

from portal.api.models import RefusedTokenWindow, Scope
from portal.exchange import keys, outgoing, signing
from portal.exchange.models import Tier
from portal.members.models import AuditEvent
from tests.exchange.conftest import make_agreement

FEED = "/api/v1/exchange/feed"
AGREEMENT = "/api/v1/exchange/agreement"


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def trusted_now():
    return {key["kid"]: key["x"] for key in keys.keys_document()["keys"]}


def test_a_partner_reads_the_feed_and_verifies_each_release(client, release, agreement):
    agreement, raw = agreement
    answer = client.get(FEED, **bearer(raw))
    assert answer.status_code == 200
    feed = answer.json()
    assert feed["agreement"] == str(agreement.uid)
    assert [(e["release"], e["version"], e["kind"]) for e in feed["events"]] == [
        (release.number, 1, "published")
    ]
    document = client.get(f"/api/v1/exchange/{feed['events'][0]['document']}", **bearer(raw))
    assert document.status_code == 200
    payload, kid = signing.verify_envelope(document.content, trusted_now())
    assert payload["recipient"] == str(agreement.uid)
    assert payload["release"] == {
        "id": release.number,
        "version": 1,
        "status": "published",
        "published_at": keys.moment(release.published_at),
        "withdrawn_at": None,
        "reason": "",
    }
    assert payload["tier"] == "records"
    assert len(payload["records"]) == 45
    assert {r["citizenship"] for r in payload["records"]} == {"KG", "UZ"}
    # What left is in the audit log: the feed read and the release sent.
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"exchange.feed_read", "exchange.release_sent"} <= actions


def test_the_public_keys_are_at_the_well_known_address(client, release, agreement):
    outgoing.signed_document(outgoing.current_event(release), agreement[0])  # first key
    answer = client.get("/.well-known/ferghana-exchange/keys.json")
    assert answer.status_code == 200
    document = json.loads(answer.content)
    assert [key["status"] for key in document["keys"]] == ["active"]
    assert answer.content == signing.canonical(document)


def test_only_the_agreed_countries_and_years_leave(client, release):
    agreement, raw = make_agreement(countries=["UZ"], year_from=2024, year_to=2024)
    payload = json.loads(outgoing.signed_document(outgoing.current_event(release), agreement)[0])[
        "payload"
    ]
    assert len(payload["records"]) == 15
    assert {r["citizenship"] for r in payload["records"]} == {"UZ"}
    assert payload["scope"] == {"countries": ["UZ"], "year_from": 2024, "year_to": 2024}


def test_an_aggregates_agreement_gets_no_records(release):
    agreement, _raw = make_agreement(tier=Tier.AGGREGATES)
    payload = json.loads(outgoing.signed_document(outgoing.current_event(release), agreement)[0])[
        "payload"
    ]
    assert payload["tier"] == "aggregates"
    assert "records" not in payload
    assert payload["aggregates"]["total"] == 45


def test_a_withdrawal_is_a_new_version_without_data(client, release, agreement):
    agreement, raw = agreement
    outgoing.withdraw(release, reason="Duplicate records found in one workspace")
    feed = client.get(FEED, **bearer(raw)).json()
    # Version 1 is no longer offered: its data stopped leaving with the withdrawal
    # (tests/exchange/test_withdrawn_data.py).
    assert [(e["version"], e["kind"]) for e in feed["events"]] == [(2, "withdrawn")]
    data = client.get(f"/api/v1/exchange/releases/{release.number}/2", **bearer(raw)).content
    payload, _kid = signing.verify_envelope(data, trusted_now())
    assert payload["release"]["status"] == "withdrawn"
    assert payload["release"]["reason"] == "Duplicate records found in one workspace"
    assert "records" not in payload and "aggregates" not in payload


def test_the_feed_resumes_from_a_cursor(client, agreement):
    agreement, raw = agreement
    from tests.exchange.conftest import shared_report_with_cases
    from tests.reports.factories import publish

    shared_report_with_cases(12)
    releases = [publish() for _ in range(3)]
    first = client.get(FEED, {"limit": 2}, **bearer(raw)).json()
    assert [e["release"] for e in first["events"]] == [r.number for r in releases[:2]]
    assert first["more"] is True
    rest = client.get(FEED, {"after": first["next"]}, **bearer(raw)).json()
    assert [e["release"] for e in rest["events"]] == [releases[2].number]
    assert rest["more"] is False


# --- From the attacker's side ----------------------------------------------------


@pytest.mark.parametrize("path", [FEED, AGREEMENT, "/api/v1/exchange/releases/1/1"])
def test_no_token_or_a_made_up_one_gets_nothing(client, release, path):
    assert client.get(path).status_code == 401
    made_up = "fnp_abcdefgh_" + "x" * 43
    answer = client.get(path, **bearer(made_up))
    assert answer.status_code == 401
    assert b"records" not in answer.content


def test_a_token_without_the_exchange_scope_is_refused(client, release):
    _agreement, raw = make_agreement(scopes=(Scope.ANONYMISED_CASES,))
    assert client.get(FEED, **bearer(raw)).status_code == 403


def test_an_expired_agreement_lets_nothing_leave(client, release):
    today = timezone.localdate()
    _agreement, raw = make_agreement(
        starts_on=today - datetime.timedelta(days=400), ends_on=today - datetime.timedelta(days=1)
    )
    for path in (FEED, AGREEMENT, f"/api/v1/exchange/releases/{release.number}/1"):
        answer = client.get(path, **bearer(raw))
        assert answer.status_code == 403
        assert "not in force" in answer.json()["detail"]
    # One audit row per address and window, however often the partner's
    # script retries; the window's row keeps the count.
    assert AuditEvent.objects.filter(action="exchange.pull_refused").count() == 1
    window = RefusedTokenWindow.objects.get(first_outcome="no_agreement")
    assert window.count == 3


def test_an_agreement_not_yet_in_force_lets_nothing_leave(client, release):
    today = timezone.localdate()
    _agreement, raw = make_agreement(
        starts_on=today + datetime.timedelta(days=2), ends_on=today + datetime.timedelta(days=30)
    )
    assert client.get(FEED, **bearer(raw)).status_code == 403


def test_an_agreement_ended_early_lets_nothing_leave(client, release, agreement):
    agreement, raw = agreement
    agreement.revoked_at = timezone.now()
    agreement.save()
    assert client.get(FEED, **bearer(raw)).status_code == 403


def test_a_partner_api_token_of_no_agreement_gets_nothing(client, release):
    from portal.api import tokens
    from tests.factories import OrganisationFactory

    _token, raw = tokens.issue_token(
        name="Stray",
        organisation=OrganisationFactory(),
        scopes=[Scope.EXCHANGE],
        expires_at=timezone.now() + datetime.timedelta(days=10),
        actor=None,
    )
    answer = client.get(FEED, **bearer(raw))
    assert answer.status_code == 403
    assert "no data-sharing agreement" in answer.json()["detail"]


@pytest.mark.parametrize(
    "path", ["/api/v1/exchange/releases/999999/1", "/api/v1/exchange/releases/1/99999999999"]
)
def test_an_unknown_release_version_is_a_404(client, release, agreement, path):
    _agreement, raw = agreement
    assert client.get(path, **bearer(raw)).status_code in (404, 422)


def test_a_signed_in_member_session_is_not_a_partner_token(client, release):
    from tests.reports.factories import network_user

    client.force_login(network_user())
    assert client.get(FEED).status_code == 401


def test_the_exchange_formats_are_published_beside_the_keys(client, db):
    answer = client.get("/.well-known/ferghana-exchange/schemas/release-1.schema.json")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/schema+json"
    assert json.loads(answer.content)["$id"] == "urn:fnp-exchange:schema:release-1"
    for other in ("settings.py", "..%2F..%2Fmodels.py", "release-1.schema.json.bak"):
        assert client.get(f"/.well-known/ferghana-exchange/schemas/{other}").status_code == 404


def test_the_same_release_as_csv_is_tied_to_the_signed_document(client, release, agreement):
    _agreement, raw = agreement
    base = f"/api/v1/exchange/releases/{release.number}/1"
    signed = client.get(base, **bearer(raw)).content
    records = client.get(f"{base}/records.csv", **bearer(raw))
    assert records.status_code == 200
    assert records["X-Release-Digest"] == signing.digest(signed)
    lines = records.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("yearOfRegistration,")
    assert len(lines) == 1 + 45
    corridors = client.get(f"{base}/corridors.csv", **bearer(raw)).content.decode("utf-8-sig")
    assert corridors.splitlines()[0] == "year,citizenship,country,count"
    assert client.get(f"{base}/secrets.csv", **bearer(raw)).status_code == 404


def test_an_aggregates_agreement_gets_no_records_csv(client, release):
    _agreement, raw = make_agreement(tier=Tier.AGGREGATES)
    base = f"/api/v1/exchange/releases/{release.number}/1"
    assert client.get(f"{base}/records.csv", **bearer(raw)).status_code == 404
    assert client.get(f"{base}/aggregates.csv", **bearer(raw)).status_code == 200
