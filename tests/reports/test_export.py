"""Exports: members' raw CSV/JSON, the anonymised export, and the audit of each."""

import csv
import io
import json

import pytest

from portal.members.models import AuditEvent
from portal.reports import audit_actions as report_actions
from portal.reports.anonymity import QUASI_IDENTIFIERS, WITHHELD
from portal.reports.exchange import MEMBER_COLUMNS
from tests.conftest import per_module
from tests.factories import UserFactory
from tests.reports.factories import (
    add_cases,
    make_report,
    network_user,
    publish,
    workspace_with_roles,
)

pytestmark = pytest.mark.django_db


def export_url(workspace, variant, fmt, report=None):
    url = f"/workspaces/{workspace.slug}/reports/export/{variant}.{fmt}"
    return f"{url}?report={report.pk}" if report else url


def rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _data():
    workspace, people = workspace_with_roles()
    first = make_report(workspace)
    second = make_report(workspace, status="reviewed")
    add_cases(first, 12, gender="Female", age_band="18--20", is_sexual_exploit=True)
    add_cases(second, 3, citizenship="TJ", country_of_exploitation="PL")
    make_report(audience="network")  # another workspace's records never leak in
    return workspace, people, first, second


_module_data, data = per_module(
    "data",
    _data,
    """A workspace with one person per role, a draft and a reviewed report with
    15 records, and another workspace's report: made once per module.""",
)


def test_members_export_their_workspace_records_as_csv_in_ctdc_columns(client, data):
    workspace, people, first, _second = data
    client.force_login(people["member"])
    response = client.get(export_url(workspace, "records", "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    assert "attachment" in response["Content-Disposition"]
    exported = rows(response)
    assert list(exported[0]) == list(MEMBER_COLUMNS)
    assert len(exported) == 15
    female = [row for row in exported if row["reportId"] == str(first.pk)][0]
    assert female["gender"] == "Female" and female["ageBroad"] == "18--20"
    assert female["isSexualExploit"] == "1" and female["majorityStatus"] == "Adult"
    assert female["typeOfExploitConcatenated"] == "Forced labour;Sexual exploitation"


def test_json_export_of_one_report(client, data):
    workspace, people, _first, second = data
    client.force_login(people["manager"])
    response = client.get(export_url(workspace, "records", "json", second))
    document = json.loads(response.content)
    assert document["format"] == "htcds-ctdc"
    assert len(document["records"]) == 3
    assert {r["CountryOfExploitation"] for r in document["records"]} == {"PL"}
    assert document["columns"] == list(MEMBER_COLUMNS)


def test_anonymised_export_withholds_rare_combinations_and_identifiers(client, data):
    workspace, people, _first, _second = data
    shared = make_report(workspace, audience="network")
    add_cases(shared, 12, gender="Female", age_band="18--20", is_sexual_exploit=True)
    add_cases(shared, 3, citizenship="TJ", country_of_exploitation="PL")
    publish()
    client.force_login(people["member"])
    exported = rows(client.get(export_url(workspace, "anonymised", "csv")))
    assert "recordId" not in exported[0] and "reportId" not in exported[0]
    combos = {}
    for row in exported:
        key = tuple(row[c] for c in QUASI_IDENTIFIERS)
        combos[key] = combos.get(key, 0) + 1
    assert all(count >= 11 for count in combos.values())
    assert len(exported) == 12  # the three Polish/Tajik records are too rare
    assert not any(row["citizenship"] == "TJ" for row in exported)
    json_doc = json.loads(client.get(export_url(workspace, "anonymised", "json")).content)
    assert json_doc["anonymised"] is True and json_doc["k"] == 11
    assert WITHHELD not in {r["gender"] for r in json_doc["records"]}


def test_every_export_is_audited_with_counts_and_never_data(client, data):
    workspace, people, _first, second = data
    publish()
    client.force_login(people["member"])
    client.get(export_url(workspace, "records", "csv"))
    client.get(export_url(workspace, "anonymised", "json", second))
    events = list(AuditEvent.objects.filter(action=report_actions.REPORT_EXPORTED).order_by("id"))
    assert [(e.actor, e.workspace) for e in events] == [(people["member"], workspace)] * 2
    assert events[0].details == {
        "format": "csv", "anonymised": False, "scope": "workspace", "via": "web", "rows": 15,
    }  # fmt: skip
    assert events[1].target_id == str(second.pk)
    assert events[1].details["anonymised"] is True
    # The report is reviewed but not shared: none of its rows went to partners.
    assert events[1].details["rows"] == 0 and events[1].details["release"] == 1
    assert "Female" not in json.dumps([e.details for e in events])


def test_observers_outsiders_and_anonymous_visitors_cannot_export(client, data):
    workspace, people, _first, _second = data
    url = export_url(workspace, "records", "csv")
    client.force_login(people["observer"])
    assert client.get(url).status_code == 403
    for stranger in (network_user(), UserFactory()):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert not AuditEvent.objects.filter(action=report_actions.REPORT_EXPORTED).exists()


def test_unknown_export_variants_and_foreign_reports_are_not_found(client, data):
    workspace, people, _first, _second = data
    client.force_login(people["member"])
    assert client.get(export_url(workspace, "everything", "csv")).status_code == 404
    assert client.get(export_url(workspace, "records", "xml")).status_code == 404
    foreign = make_report()
    assert client.get(export_url(workspace, "records", "csv", foreign)).status_code == 404


@pytest.mark.parametrize(
    "report_id", ["²", "١", "1e3", "-1", " 1", "abc", "99999999999999999999999999"]
)
def test_a_report_number_that_is_not_a_number_is_not_found_and_exports_nothing(
    client, data, report_id
):
    workspace, people, _first, _second = data
    client.force_login(people["member"])
    url = export_url(workspace, "records", "csv")
    response = client.get(url, {"report": report_id})
    assert response.status_code == 404
    assert "attachment" not in response.get("Content-Disposition", "")
    assert not AuditEvent.objects.filter(action=report_actions.REPORT_EXPORTED).exists()


def test_the_export_page_offers_both_kinds(client, data):
    workspace, people, _first, _second = data
    client.force_login(people["member"])
    page = f"/workspaces/{workspace.slug}/reports/export/"
    html = client.get(page).content.decode()
    assert "records.csv" in html and "anonymised.json" not in html
    assert "No statistics release has been published yet" in html
    publish()
    html = client.get(page).content.decode()
    assert "records.csv" in html and "anonymised.json" in html and "k = 11" in html
    assert "statistics release 1 of" in html
