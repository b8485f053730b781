"""One policy on every surface (issue 10, part 5), tried from the attacker's side.

- An observer (read-only member) takes no raw case row from the report page,
  the case pages, the raw export or the members' API.
- A network member reading a shared report sees its totals under the public
  statistics' small-cell rule ("fewer than 11"), on the page, in the lists and
  in the API; the workspace's people who read the rows see exact figures.
- Search documents carry nothing of the rows that the totals would hide.
"""

import re

import pytest
from django.test import Client

from portal.reports import services
from portal.reports.policy import (
    CASE_DATA_ACTIONS,
    EXACT_TOTALS,
    EXPORT_RAW,
    READ_CASE_ROWS,
    VIEW_TOTALS,
    report_access,
)
from portal.search import index
from portal.search.client import get_client
from portal.search.rebuild import rebuild
from tests.reports.factories import (
    add_cases,
    case_values,
    make_report,
    network_user,
    workspace_with_roles,
)
from tests.search.conftest import es_prefix  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

K = 11


def signed_in(user):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def page_url(report, suffix=""):
    return f"/workspaces/{report.workspace.slug}/reports/{report.pk}/{suffix}"


def api_url(report, suffix=""):
    return f"/api/v1/workspaces/{report.workspace.slug}/reports/{report.pk}{suffix}"


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def shared_report_with_small_cells(workspace):
    """Twelve records shared with the network. Eleven are alike; two of them
    record organ removal (a small cell); the twelfth is the only child, aged
    0–8, exploited in Turkey (a single person, recognisable by all three)."""
    report = make_report(workspace, audience="network", title="Osh returnees Q1")
    add_cases(report, 9)
    add_cases(report, 2, is_organ_removal=True)
    add_cases(report, 1, age_band="0--8", country_of_exploitation="TR")
    return report


# --- The policy's named actions ---------------------------------------------------


def test_the_case_data_actions_are_named_and_follow_the_role():
    workspace, people = workspace_with_roles()
    shared = shared_report_with_small_cells(workspace)
    reader = network_user()
    expected = {
        # person: (read_case_rows, export_raw, view_totals, exact_totals)
        "owner": (True, True, True, True),
        "manager": (True, True, True, True),
        "member": (True, True, True, True),
        "observer": (False, False, True, False),
    }
    for role, answers in expected.items():
        access = report_access(people[role], shared)
        assert tuple(access.allows(a) for a in CASE_DATA_ACTIONS) == answers, role
    access = report_access(reader, shared)
    assert tuple(access.allows(a) for a in CASE_DATA_ACTIONS) == (False, False, True, False)
    with pytest.raises(ValueError):
        access.allows("read_everything")


# --- Observers: no raw rows anywhere ------------------------------------------------


def test_observer_gets_no_case_rows_from_the_report_page(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace, title="Osh Q1")
    records = add_cases(report, 3, age_band="0--8")
    response = signed_in(people["observer"]).get(page_url(report))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<table class="cases' not in html
    assert "read-only" in html and "shown as totals" in html
    # Three records: the count and every cell are small, as for the public.
    assert f"Fewer than {K} anonymous case records" in html
    assert not re.search(r"<td[^>]*>0–8</td>", html)
    assert not re.search(r"<td[^>]*>3</td>", html)
    for record in records:
        assert f"cases/{record.pk}/edit/" not in html
    # The member next to them sees the rows.
    member_html = signed_in(people["member"]).get(page_url(report)).content.decode()
    assert 'class="cases table-stack"' in member_html
    assert re.search(r"<td[^>]*>0–8</td>", member_html)


def test_observer_reads_no_case_record_values_in_the_report_history():
    workspace, people = workspace_with_roles()
    report = make_report(workspace, title="Osh Q1")
    [record] = add_cases(report, 1, age_band="0--8")
    values = case_values(age_band="9--17")
    services.update_case(record, actor=people["member"], values=values)
    observer_html = signed_in(people["observer"]).get(page_url(report)).content.decode()
    history = observer_html.split('id="history"')[1]
    assert "Created the report" in history  # the report's own history stays
    assert f"Case record #{record.pk}" not in history
    assert "0–8" not in history and "9–17" not in history
    member_history = signed_in(people["member"]).get(page_url(report)).content.decode()
    assert "0–8" in member_history.split('id="history"')[1]


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("scope", ["report", "workspace"])
def test_observer_gets_no_raw_export(fmt, scope):
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    add_cases(report, 3)
    query = f"?report={report.pk}" if scope == "report" else ""
    path = f"/workspaces/{workspace.slug}/reports/export/records.{fmt}{query}"
    response = signed_in(people["observer"]).get(path)
    assert response.status_code == 403
    assert "yearOfRegistration" not in response.content.decode()
    assert signed_in(people["member"]).get(path).status_code == 200


def test_observer_gets_no_case_rows_from_the_api():
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    add_cases(report, 3)
    observer = signed_in(people["observer"])
    response = observer.get(api_url(report, "/cases"))
    assert response.status_code == 403
    assert "yearOfRegistration" not in response.content.decode()
    assert "work on the data" in response.json()["detail"]
    # The report itself stays readable, with its totals under the small-cell rule.
    detail = observer.get(api_url(report)).json()
    assert detail["case_records"] is None and detail["case_records_fewer_than_k"]
    assert detail["totals"]["exact"] is False
    assert signed_in(people["member"]).get(api_url(report, "/cases")).json()["count"] == 3


def test_observer_cannot_open_a_case_record_page():
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    [record] = add_cases(report, 1)
    observer = signed_in(people["observer"])
    for suffix in (f"cases/{record.pk}/edit/", f"cases/{record.pk}/delete/", "cases/new/"):
        assert observer.get(page_url(report, suffix)).status_code == 403


# --- Network readers: the public statistics' small-cell rule --------------------------


def test_network_reader_sees_fewer_than_k_for_small_cells_on_the_page():
    workspace, _people = workspace_with_roles()
    report = shared_report_with_small_cells(workspace)
    html = signed_in(network_user()).get(page_url(report)).content.decode()
    assert '<table class="cases' not in html
    # The attack of the issue: "Organ removal 2" and "0–8: 1" were readable.
    assert f"<td>Organ removal</td><td>fewer than {K}</td>" in html
    assert "<td>Organ removal</td><td>2</td>" not in html
    assert "0–8" not in html and "Turkey" not in html
    # Figures of k or more stay exact: the report is still useful to read.
    assert "12 anonymous case records, shown as totals" in html
    assert "<td>Forced labour</td><td>11</td>" in html
    assert "<td>24–26</td><td>11</td>" in html


def test_network_reader_sees_fewer_than_k_in_the_api_fields_of_per_report_totals():
    workspace, _people = workspace_with_roles()
    report = shared_report_with_small_cells(workspace)
    small = make_report(workspace, audience="network", title="Small shared report")
    add_cases(small, 2)
    reader = signed_in(network_user())
    detail = reader.get(api_url(report)).json()
    assert detail["case_records"] == 12 and not detail["case_records_fewer_than_k"]
    totals = detail["totals"]
    assert totals["k"] == K and totals["exact"] is False
    cells = {
        (table["key"], cell["code"]): cell for table in totals["tables"] for cell in table["cells"]
    }
    assert cells[("exploitation", "isOrganRemoval")]["count"] is None
    assert cells[("exploitation", "isOrganRemoval")]["fewer_than_k"] is True
    assert cells[("exploitation", "isForcedLabour")]["count"] == 11
    assert ("age", "0--8") not in cells and ("country", "TR") not in cells
    every_count = [cell["count"] for cell in cells.values() if cell["count"] is not None]
    assert every_count and min(every_count) >= K
    listed = {item["title"]: item for item in reader.get("/api/v1/network/reports").json()}
    assert listed["Small shared report"]["case_records"] is None
    assert listed["Small shared report"]["case_records_fewer_than_k"] is True
    assert listed["Osh returnees Q1"]["case_records"] == 12
    page = text_of(reader.get("/network/reports/").content.decode())
    assert re.search(rf"Small shared report .*? fewer than {K}", page)


def test_workspace_members_who_read_the_rows_see_their_own_exact_counts():
    workspace, people = workspace_with_roles()
    report = shared_report_with_small_cells(workspace)
    small = make_report(workspace, title="Small report")
    add_cases(small, 2)
    member = signed_in(people["member"])
    detail = member.get(api_url(report)).json()
    assert detail["totals"]["exact"] is True and detail["totals"]["k"] == 0
    cells = {
        (table["key"], cell["code"]): cell["count"]
        for table in detail["totals"]["tables"]
        for cell in table["cells"]
    }
    assert cells[("exploitation", "isOrganRemoval")] == 2
    assert cells[("age", "0--8")] == 1 and cells[("country", "TR")] == 1
    listed = {
        i["title"]: i for i in member.get(f"/api/v1/workspaces/{workspace.slug}/reports").json()
    }
    assert listed["Small report"]["case_records"] == 2
    page = text_of(member.get(f"/workspaces/{workspace.slug}/reports/").content.decode())
    assert "Small report" in page and "fewer than" not in page
    # The observer of the same workspace reads the same list under the rule.
    observer = signed_in(people["observer"])
    listed = {
        i["title"]: i for i in observer.get(f"/api/v1/workspaces/{workspace.slug}/reports").json()
    }
    assert listed["Small report"]["case_records"] is None
    observer_page = text_of(observer.get(f"/workspaces/{workspace.slug}/reports/").content.decode())
    assert re.search(rf"Small report .*? fewer than {K}", observer_page)


def test_the_web_and_the_api_ask_the_policy_by_the_same_action_names():
    """The names the surfaces use exist in the policy, so a renamed action
    breaks the build instead of silently opening a surface."""
    assert {READ_CASE_ROWS, EXPORT_RAW, VIEW_TOTALS, EXACT_TOTALS} == set(CASE_DATA_ACTIONS)


# --- Search --------------------------------------------------------------------------


@pytest.fixture(params=["elasticsearch", "database"])
def backend(request, settings):
    if request.param == "database":
        settings.ELASTICSEARCH_URL = ""
    return request.param


def test_search_shows_network_readers_no_row_level_detail_of_a_shared_report(
    es_prefix,  # noqa: F811
    backend,
):
    workspace, people = workspace_with_roles()
    report = shared_report_with_small_cells(workspace)
    rebuild(force=True)
    if backend == "elasticsearch":
        get_client().indices.refresh(index=index.alias_name())
    reader = signed_in(network_user())
    response = reader.get("/search/", {"q": "returnees"})
    assert response.status_code == 200
    results = response.context["results"]
    assert results.backend == backend
    [hit] = results.hits
    assert hit.url == report.get_absolute_url()
    # One person was exploited in Turkey: their country is in no hit and no facet,
    # and filtering by it does not single the report out.
    assert "TR" not in hit.countries
    assert "TR" not in {value.value for value in results.facets.get("country", ())}
    by_country = reader.get("/search/", {"q": "returnees", "country": "TR"}).context["results"]
    assert by_country.hits == []
    # The country that eleven records share is a fact the totals show too.
    assert "RU" in hit.countries
