"""The demo reports of `manage.py load_demo`."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from portal.reports.models import CaseRecord, MonitoringReport
from portal.reports.releases import latest_release
from portal.reports.statistics import from_release
from tests.reports.factories import publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_interface():
    """Not English here: the demo builds its pages in the default language, Russian."""


def load():
    with override_settings(DEBUG=True), open("/dev/null", "w") as out:  # noqa: PTH123
        call_command("load_demo", stdout=out)


def test_demo_reports_cover_both_workspaces_audiences_and_make_real_charts(demo):
    for slug in ("osh-monitoring", "andijan-shelters"):
        reports = MonitoringReport.objects.filter(workspace__slug=slug)
        assert reports.filter(audience="workspace").exists()
        assert reports.filter(audience="network", status="reviewed").exists()
    total = CaseRecord.objects.count()
    assert 280 <= total <= 320
    release = latest_release()  # load_demo publishes the first release
    assert release is not None and release.rows.count() >= 200
    # The figures are noisy (differential privacy); without the noise, the demo
    # data fill real charts.
    statistics = from_release(publish())
    assert statistics.total and statistics.total >= 200
    shown = [cell for table in statistics.tables for cell in table.cells]
    assert sum(cell.count is not None for cell in shown) > 0.4 * len(shown)
    for key, code in (("country", "RU"), ("citizenship", "KG"), ("citizenship", "UZ")):
        assert next(c for c in statistics.table(key).cells if c.code == code).count


def test_demo_reports_are_not_duplicated_or_reset_by_a_second_run(demo):
    first = list(MonitoringReport.objects.order_by("pk").values_list("pk", "title", "status"))
    count = CaseRecord.objects.count()
    report = MonitoringReport.objects.filter(status="draft").first()
    MonitoringReport.objects.filter(pk=report.pk).update(summary="Edited by a member.")
    load()
    assert (
        list(MonitoringReport.objects.order_by("pk").values_list("pk", "title", "status")) == first
    )
    assert CaseRecord.objects.count() == count
    assert MonitoringReport.objects.get(pk=report.pk).summary == "Edited by a member."


def test_demo_release_shows_the_valleys_main_corridors(demo, client):
    """The demo's shared reports put 35 Kyrgyz and 48 Uzbek citizens on the road
    to Russia in 2023: enough to pass k with the noise of the default budget."""
    stored = from_release(latest_release()).corridors
    assert stored is not None  # load_demo's release counts corridors
    exact = from_release(publish()).corridors
    shown = {(c.year, c.citizenship, c.country): c.count for c in exact}
    assert shown[("2023", "UZ", "RU")] >= 40 and shown[("2023", "KG", "RU")] >= 30
    html = client.get("/statistics/corridors/", {"year": "2023"}, HTTP_ACCEPT_LANGUAGE="ru")
    html = html.content.decode()
    assert "<td>Узбекистан</td><td>Россия</td>" in html
