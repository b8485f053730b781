"""The report pages do not run a query per case record, comment or attachment."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.reports import services
from tests.factories import make_file
from tests.reports.factories import add_cases, make_report, network_user, workspace_with_roles

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _fill(report, people, n):
    add_cases(report, n)
    for i in range(n):
        services.add_comment(report, actor=people["member"], body=f"Note {i}.")
        stored = make_file(report.workspace, user=people["member"], name=f"notes-{i}.txt")
        services.attach_file(report, stored, actor=people["member"])
        services.update_report(report, actor=people["member"], changes={"title": f"Title {i}"})


def _queries(client, url):
    client.get(url)  # warm the per-process caches (content types, session) first
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("reader", ["member", "observer", "network"])
def test_the_report_page_costs_the_same_with_5_or_40_of_everything(client, reader):
    counts = []
    for n in (5, 40):
        workspace, people = workspace_with_roles()
        report = make_report(workspace)
        _fill(report, people, n)
        if reader == "network":
            report = services.submit_report(report, actor=people["member"])
            report = services.review_report(report, actor=people["manager"])
            services.share_report(report, actor=people["manager"])
            client.force_login(network_user())
        else:
            client.force_login(people[reader])
        counts.append(_queries(client, report.get_absolute_url()))
    assert counts[0] == counts[1], counts


def test_the_report_list_costs_the_same_with_3_or_30_reports(client):
    counts = []
    for n in (3, 30):
        workspace, people = workspace_with_roles()
        for _ in range(n):
            add_cases(make_report(workspace), 2)
        client.force_login(people["member"])
        counts.append(_queries(client, f"/workspaces/{workspace.slug}/reports/"))
    assert counts[0] == counts[1], counts
