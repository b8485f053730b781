"""/api/v1/: public statistics, the partners' anonymised export, members' data."""

import datetime

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.api import audit_actions as api_actions
from portal.api.models import ApiToken, Scope
from portal.members.models import AuditEvent
from portal.reports import audit_actions as report_actions
from portal.reports.anonymity import ANONYMISED_COLUMNS, QUASI_IDENTIFIERS, anonymise
from portal.reports.exchange import records_rows
from portal.reports.models import CaseRecord
from portal.reports.releases import latest_release
from portal.reports.statistics import from_release
from tests.api.conftest import bearer, make_token
from tests.factories import UserFactory
from tests.reports.factories import (
    add_cases,
    case_values,
    make_report,
    network_user,
    publish,
    workspace_with_roles,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    report = make_report(audience="network")
    add_cases(report, 13)
    add_cases(report, 11, gender="Female", country_of_exploitation="TR", is_sexual_exploit=True)
    add_cases(report, 2, citizenship="TJ", country_of_exploitation="PL")
    publish()
    return report


def test_the_openapi_document_lists_every_endpoint(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/statistics", "/api/v1/cases/anonymised", "/api/v1/cases/anonymised.csv",
            "/api/v1/workspaces/{slug}/reports/{report_id}/cases"} <= set(paths)  # fmt: skip
    assert client.get("/api/v1/docs").status_code == 200


def test_public_statistics_have_the_same_figures_as_the_page(client, published):
    response = client.get("/api/v1/statistics")
    assert response["X-Statistics-Release"] == "1"
    data = response.json()
    assert data["release"]["number"] == 1 and data["release"]["epsilon"] > 0
    assert data["k"] == 11 and data["total"] == 26
    tables = {t["key"]: {c["code"]: c["count"] for c in t["cells"]} for t in data["tables"]}
    shown = {code: count for code, count in tables["country"].items() if count is not None}
    assert shown == {"RU": 13, "TR": 11}  # the two Polish records ("Other"): fewer than k
    assert tables["exploitation"]["isOrganRemoval"] is None
    cell = next(c for t in data["tables"] for c in t["cells"] if c["count"] is None)
    assert cell["fewer_than_k"] is True
    page = from_release(latest_release())
    assert tables == {t.key: {c.code: c.count for c in t.cells} for t in page.tables}


def test_a_partner_token_fetches_the_anonymised_export(client, published, partner_token):
    token, raw = partner_token
    response = client.get("/api/v1/cases/anonymised", **bearer(raw))
    assert response.status_code == 200
    assert response["X-Statistics-Release"] == "1"
    data = response.json()
    assert data["format"] == "htcds-ctdc" and data["k"] == 11
    assert data["release"]["number"] == 1
    assert data["quasi_identifiers"] == list(QUASI_IDENTIFIERS)
    assert data["records"] == len(data["rows"]) == 24
    assert all("recordId" not in row and "summary" not in row for row in data["rows"])
    token.refresh_from_db()
    assert token.use_count == 1 and token.last_used_at is not None
    used = AuditEvent.objects.get(action=api_actions.API_TOKEN_USED)
    assert used.details["outcome"] == "accepted" and used.details["prefix"] == token.prefix
    exported = AuditEvent.objects.get(action=report_actions.REPORT_EXPORTED)
    assert exported.details["scope"] == "network" and exported.details["rows"] == 24
    assert exported.details["token_prefix"] == token.prefix


def test_the_csv_export_for_partners(client, published, partner_token):
    _token, raw = partner_token
    response = client.get("/api/v1/cases/anonymised.csv", **bearer(raw))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("yearOfRegistration,gender,ageBroad") and len(lines) == 25
    assert response["X-Statistics-Release"] == "1"
    assert "release-1" in response["Content-Disposition"]


def test_tokens_are_stored_as_a_hash_with_a_visible_prefix(partner_token):
    token, raw = partner_token
    assert raw.startswith(f"fnp_{token.prefix}_")
    assert raw not in token.key_hash and len(token.key_hash) == 64
    stored = list(ApiToken.objects.values_list(flat=True))
    assert all(raw not in str(value) for value in stored)
    assert AuditEvent.objects.filter(
        action=api_actions.API_TOKEN_CREATED, target_id=str(token.pk)
    ).exists()


@pytest.mark.parametrize(
    "headers, status, outcome",
    [
        ({}, 401, None),
        ({"HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz"}, 401, None),
        ({"HTTP_AUTHORIZATION": "Bearer fnp_abcdefgh_not-a-real-token-at-all-xx"}, 401, "unknown"),
    ],
)
def test_calls_without_a_valid_token_are_refused(client, published, headers, status, outcome):
    response = client.get("/api/v1/cases/anonymised", **headers)
    assert response.status_code == status
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "rows" not in response.json()
    events = AuditEvent.objects.filter(action=api_actions.API_TOKEN_USED)
    assert [e.details["outcome"] for e in events] == ([outcome] if outcome else [])


@pytest.mark.parametrize(
    "kwargs, status, outcome",
    [
        ({"days": -1}, 401, "expired"),
        ({"revoked": True}, 401, "revoked"),
        ({"scopes": [Scope.STATISTICS]}, 403, "missing_scope"),
    ],
)
def test_expired_revoked_and_unscoped_tokens_are_refused_and_audited(
    client, published, kwargs, status, outcome
):
    days = kwargs.pop("days", 30)
    token, raw = make_token(**kwargs, days=max(days, 1))
    if days < 0:
        ApiToken.objects.filter(pk=token.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=60),
            expires_at=timezone.now() - datetime.timedelta(days=1),
        )
    response = client.get("/api/v1/cases/anonymised", **bearer(raw))
    assert response.status_code == status
    event = AuditEvent.objects.get(action=api_actions.API_TOKEN_USED)
    assert event.details["outcome"] == outcome and event.target_id == str(token.pk)
    assert not AuditEvent.objects.filter(action=report_actions.REPORT_EXPORTED).exists()
    token.refresh_from_db()
    assert token.use_count == 0


def test_a_signed_in_member_session_does_not_open_the_partner_export(client, published):
    client.force_login(published.workspace.memberships.get(role="owner").user)
    assert client.get("/api/v1/cases/anonymised").status_code == 401


# --- Members ---------------------------------------------------------------------


def test_members_list_and_read_their_reports_and_case_records(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace, title="Osh Q1")
    add_cases(report, 3)
    client.force_login(people["member"])
    assert [w["slug"] for w in client.get("/api/v1/workspaces").json()] == [workspace.slug]
    [listed] = client.get(f"/api/v1/workspaces/{workspace.slug}/reports").json()
    assert listed["title"] == "Osh Q1" and listed["case_records"] == 3
    detail = client.get(f"/api/v1/workspaces/{workspace.slug}/reports/{report.pk}").json()
    assert detail["summary"] == report.summary and detail["audience"] == "workspace"
    cases = client.get(
        f"/api/v1/workspaces/{workspace.slug}/reports/{report.pk}/cases?limit=2&offset=1"
    ).json()
    assert cases["count"] == 3 and len(cases["items"]) == 2
    assert cases["items"][0]["reportId"] == report.pk
    assert AuditEvent.objects.filter(
        action=report_actions.REPORT_VIEWED, actor=people["member"]
    ).exists()
    exported = AuditEvent.objects.get(action=report_actions.REPORT_EXPORTED)
    assert exported.details == {
        "format": "json", "anonymised": False, "scope": "report", "via": "api", "rows": 2,
    }  # fmt: skip


@pytest.mark.parametrize(
    "query, field",
    [
        (f"offset={10**30}", "offset"),
        (f"offset={2**63}", "offset"),
        ("offset=10000001", "offset"),
        ("offset=-1", "offset"),
        ("limit=1001", "limit"),
        ("limit=0", "limit"),
        ("limit=²", "limit"),
    ],
)
def test_an_out_of_range_page_of_case_records_is_refused_with_a_message(client, query, field):
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    add_cases(report, 2)
    client.force_login(people["member"])
    response = client.get(f"/api/v1/workspaces/{workspace.slug}/reports/{report.pk}/cases?{query}")
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["query", field] and problem["msg"]
    assert not AuditEvent.objects.filter(action=report_actions.REPORT_EXPORTED).exists()


def test_the_last_allowed_offset_answers_with_an_empty_page(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    add_cases(report, 2)
    client.force_login(people["member"])
    response = client.get(
        f"/api/v1/workspaces/{workspace.slug}/reports/{report.pk}/cases?offset=10000000&limit=1000"
    )
    assert response.status_code == 200
    assert response.json()["count"] == 2 and response.json()["items"] == []


def test_network_members_read_shared_reports_but_not_their_rows(client):
    report = make_report(audience="network")
    add_cases(report, 2)
    client.force_login(network_user())
    base = f"/api/v1/workspaces/{report.workspace.slug}/reports/{report.pk}"
    assert client.get(base).status_code == 200
    assert client.get(base + "/cases").status_code == 403
    assert [r["id"] for r in client.get("/api/v1/network/reports").json()] == [report.pk]
    assert client.get(f"/api/v1/workspaces/{report.workspace.slug}/reports").status_code == 404


def test_outsiders_and_anonymous_callers_are_refused(client):
    report = make_report()
    base = f"/api/v1/workspaces/{report.workspace.slug}/reports/{report.pk}"
    assert client.get(base).status_code == 401
    client.force_login(UserFactory())
    response = client.get(base)
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    assert client.get("/api/v1/network/reports").status_code == 403


def test_members_without_mfa_are_refused_when_mfa_is_required(client, settings):
    settings.PORTAL_REQUIRE_MFA = True
    workspace, people = workspace_with_roles()
    client.force_login(people["owner"])
    response = client.get(f"/api/v1/workspaces/{workspace.slug}/reports")
    assert response.status_code == 403
    assert "authenticator" in response.json()["detail"]


# --- Statistics and export agree, end to end ---------------------------------------

PROFILE = st.fixed_dictionaries(
    {
        "year_of_registration": st.sampled_from([2022, 2023, 2023]),
        "gender": st.sampled_from(["Male", "Male", "Female", "Unknown"]),
        "age_band": st.sampled_from(["24--26", "24--26", "30--38", "9--17", ""]),
        "citizenship": st.sampled_from(["KG", "KG", "UZ", "TJ"]),
        "country_of_exploitation": st.sampled_from(["RU", "RU", "KZ", "TR"]),
        "is_sexual_exploit": st.booleans(),
        "is_forced_marriage": st.booleans(),
        "type_of_labour_begging": st.booleans(),
    }
)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(groups=st.lists(st.tuples(PROFILE, st.integers(1, 14)), min_size=1, max_size=8))
def test_statistics_and_partner_rows_come_from_the_same_release(client, groups):
    CaseRecord.objects.all().delete()
    report = make_report(audience="network")
    for values, count in groups:
        add_cases(report, count, **case_values(**values))
    release = publish()
    _token, raw = make_token()
    response = client.get("/api/v1/cases/anonymised", **bearer(raw))
    rows = response.json()["rows"]
    statistics = client.get("/api/v1/statistics")
    assert response["X-Statistics-Release"] == statistics["X-Statistics-Release"]
    assert statistics.json()["release"]["number"] == release.number
    # Partner rows: the k-anonymous release of the shared records.
    records = list(records_rows(CaseRecord.objects.published()))
    expected_rows = anonymise(records, 11).rows
    assert rows == [{c: row[c] for c in ANONYMISED_COLUMNS} for row in expected_rows]
    # Figures: (noise-free here) counts of the same records, "fewer than k" below 11.
    tables = {
        t["key"]: {c["code"]: c["count"] for c in t["cells"]} for t in statistics.json()["tables"]
    }
    columns = {
        "year": "yearOfRegistration",
        "country": "CountryOfExploitation",
        "citizenship": "citizenship",
        "gender": "gender",
        "age": "ageBroad",
    }
    for key, column in columns.items():
        counted = {}
        for row in records:
            counted[str(row[column])] = counted.get(str(row[column]), 0) + 1
        for code, n in counted.items():
            assert tables[key].get(code) == (n if n >= 11 else None)
        assert all(count is None or count >= 11 for count in tables[key].values())
    for code, shown in tables["exploitation"].items():
        n = sum(int(row[code]) for row in records)
        assert shown == (n if n >= 11 else None)
    assert statistics.json()["total"] == (len(records) if len(records) >= 11 else None)
