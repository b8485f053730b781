"""Public statistics at /statistics/: reviewed records of network reports only,
no cell under k, accessible charts, the same figures as CSV, a fresh cache."""

import csv
import io
import re

import pytest

from portal.reports import services
from portal.reports.models import CaseRecord
from portal.reports.statistics import public_statistics
from tests.reports.factories import add_cases, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    shared = make_report(audience="network")
    add_cases(shared, 14, year_of_registration=2023)
    add_cases(shared, 12, year_of_registration=2024, gender="Female", is_forced_labour=False,
              type_of_labour_construction=False, is_sexual_exploit=True,
              country_of_exploitation="TR")  # fmt: skip
    add_cases(shared, 3, year_of_registration=2024, is_organ_removal=True)  # rare
    # Not published: drafts, reviewed but not shared, and submitted reports.
    for status in ("draft", "reviewed", "submitted"):
        add_cases(make_report(status=status), 40, year_of_registration=2022)
    return shared


def table(statistics, key):
    return {cell.code: cell.count for cell in statistics.table(key).cells}


def test_only_reviewed_records_of_network_reports_are_counted(published):
    statistics = public_statistics()
    assert statistics.total == 26  # the three rare records are left out
    assert table(statistics, "year") == {"2023": 14, "2024": 12}
    assert "2022" not in table(statistics, "year")
    assert table(statistics, "country") == {"RU": 14, "TR": 12}


def test_cells_under_k_are_never_shown(published):
    statistics = public_statistics()
    exploitation = table(statistics, "exploitation")
    assert exploitation["isForcedLabour"] == 14
    assert exploitation["isSexualExploit"] == 12
    assert exploitation["isOrganRemoval"] is None and exploitation["isForcedMarriage"] is None
    for t in statistics.tables:
        assert all(cell.count is None or cell.count >= 11 for cell in t.cells)


def test_the_page_shows_accessible_charts_and_fewer_than_k(client, published):
    response = client.get("/statistics/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('role="img"') == 6
    for chart in ("year", "exploitation", "country", "citizenship", "gender", "age"):
        assert f'aria-labelledby="chart-{chart}-title chart-{chart}-desc"' in html
        assert f'<title id="chart-{chart}-title">' in html
    assert "fewer than 11" in html
    assert re.search(r"<desc[^>]*>[^<]*Forced labour: 14", html)
    assert "<td>Organ removal</td><td>fewer than 11</td>" in html  # the table alternative
    assert "26 case records published" in html


def test_the_csv_has_the_same_figures_as_the_page(client, published):
    response = client.get("/statistics/statistics.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    figures = {(row["dimension"], row["category"]): row["count"] for row in rows}
    statistics = public_statistics()
    for t in statistics.tables:
        for cell in t.cells:
            expected = str(cell.count) if cell.count is not None else "<11"
            assert figures[(t.key, cell.code)] == expected
    assert figures[("total", "")] == "26"


def test_too_few_records_show_no_figures(client):
    add_cases(make_report(audience="network"), 5)
    html = client.get("/statistics/").content.decode()
    assert "Fewer than 11 case records have been published" in html
    assert 'role="img"' not in html


def test_sharing_and_withdrawing_refresh_the_cached_figures(django_capture_on_commit_callbacks):
    report = make_report(status="reviewed")
    add_cases(report, 11)
    assert public_statistics().total is None
    with django_capture_on_commit_callbacks(execute=True):
        services.share_report(report, actor=None)
    assert public_statistics().total == 11
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_report(report, actor=None)
    assert public_statistics().total is None


def test_a_change_outside_the_services_also_refreshes_the_figures(
    published, django_capture_on_commit_callbacks
):
    assert public_statistics().total == 26
    with django_capture_on_commit_callbacks(execute=True):
        for record in CaseRecord.objects.filter(report=published, country_of_exploitation="TR")[:2]:
            record.delete()
    # Ten Turkish records are fewer than k: they and the three rare records keep
    # only their year (13 people registered in 2024), all other details withheld.
    statistics = public_statistics()
    assert statistics.total == 27
    assert table(statistics, "country") == {"RU": 14, "withheld": 13}
    assert table(statistics, "gender") == {"Male": 14, "withheld": 13}


def test_the_statistics_page_is_not_language_prefixed_and_follows_the_visitor(client, published):
    response = client.get("/statistics/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    response = client.get("/statistics/", HTTP_ACCEPT_LANGUAGE="ru")
    assert '<html lang="ru">' in response.content.decode()
