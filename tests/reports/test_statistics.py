"""Public statistics at /statistics/: the figures of the latest release, made of
reviewed records of network reports only, no cell under k, accessible charts,
the same figures as CSV; a release never changes once published."""

import csv
import io
import re

import pytest

from portal.reports import services
from portal.reports.models import CaseRecord
from portal.reports.releases import latest_release
from portal.reports.statistics import from_release, sorted_codes
from tests.reports.factories import add_cases, make_report, publish

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
    publish()
    return shared


def statistics_now():
    return from_release(latest_release())


def table(statistics, key):
    """The figures published in a table (every category is listed, most as
    "fewer than k": those are left out here)."""
    return {cell.code: cell.count for cell in statistics.table(key).cells if cell.count is not None}


def test_only_reviewed_records_of_network_reports_are_counted(published):
    statistics = statistics_now()
    assert statistics.total == 29
    assert table(statistics, "year") == {"2023": 14, "2024": 15}
    assert "2022" not in table(statistics, "year")
    assert table(statistics, "country") == {"RU": 17, "TR": 12}


def test_cells_under_k_are_never_shown(published):
    statistics = statistics_now()
    exploitation = {cell.code: cell.count for cell in statistics.table("exploitation").cells}
    assert exploitation["isForcedLabour"] == 17
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
    assert re.search(r"<desc[^>]*>[^<]*Forced labour: 17", html)
    assert "<td>Organ removal</td><td>fewer than 11</td>" in html  # the table alternative
    assert "About 29 case records published" in html
    assert "Release 1, published on" in html


def test_the_csv_has_the_same_figures_as_the_page(client, published):
    response = client.get("/statistics/statistics.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response["X-Statistics-Release"] == "1"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    figures = {(row["dimension"], row["category"]): row["count"] for row in rows}
    statistics = statistics_now()
    for t in statistics.tables:
        for cell in t.cells:
            expected = str(cell.count) if cell.count is not None else "<11"
            assert figures[(t.key, cell.code)] == expected
    assert figures[("total", "")] == "29"


def test_too_few_records_show_no_figures(client):
    add_cases(make_report(audience="network"), 5)
    publish()
    html = client.get("/statistics/").content.decode()
    assert "Fewer than 11 case records have been published" in html
    assert 'role="img"' not in html


def test_before_any_release_the_page_says_none_is_published(client):
    add_cases(make_report(audience="network"), 40)
    html = client.get("/statistics/").content.decode()
    assert "No statistics have been published yet" in html
    assert 'role="img"' not in html
    assert client.get("/statistics/statistics.csv").status_code == 404
    assert (
        "No statistics have been published yet"
        in client.get("/statistics/releases/").content.decode()
    )


def test_sharing_and_withdrawing_change_nothing_until_the_next_release(
    django_capture_on_commit_callbacks,
):
    report = make_report(status="reviewed")
    add_cases(report, 11)
    publish()
    assert statistics_now().total is None
    with django_capture_on_commit_callbacks(execute=True):
        services.share_report(report, actor=None)
    assert statistics_now().total is None  # the published release stands
    publish()
    assert statistics_now().total == 11
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_report(report, actor=None)
    assert statistics_now().total == 11  # withdrawing does not undo a release
    publish()
    assert statistics_now().total is None


def test_a_change_outside_the_services_does_not_touch_the_published_figures(
    published, django_capture_on_commit_callbacks
):
    before = latest_release()
    with django_capture_on_commit_callbacks(execute=True):
        for record in CaseRecord.objects.filter(report=published, country_of_exploitation="TR")[:2]:
            record.delete()
    assert latest_release() == before and statistics_now().total == 29
    publish()
    statistics = statistics_now()
    assert statistics.release.number == 2
    assert statistics.total == 27
    assert table(statistics, "country") == {"RU": 17}  # ten Turkish records: fewer than k


def test_the_statistics_page_is_not_language_prefixed_and_follows_the_visitor(client, published):
    response = client.get("/statistics/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    response = client.get("/statistics/", HTTP_ACCEPT_LANGUAGE="ru")
    assert '<html lang="ru">' in response.content.decode()


def test_age_bands_keep_their_natural_order_when_a_group_is_hidden():
    counts = {"48+": 12, "0--17": 11, "39--47": 20, "18--20": 15, "": 3, "18+": 11}
    assert sorted_codes("age", counts) == ["0--17", "18--20", "39--47", "48+", "18+", ""]


def test_an_older_release_with_the_hidden_band_last_is_shown_in_age_order(published):
    release = latest_release()
    for table in release.tables:
        if table["key"] == "age":
            table["cells"] = [
                {"code": "18--20", "count": 15},
                {"code": "39--47", "count": 12},
                {"code": "0--17", "count": None},
            ]
    codes = [cell.code for cell in from_release(release).table("age").cells]
    assert codes == ["0--17", "18--20", "39--47"]
