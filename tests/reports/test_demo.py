"""The demo reports of `manage.py load_demo`."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from portal.reports.models import CaseRecord, MonitoringReport
from portal.reports.statistics import public_statistics

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_interface():
    """Not English here: the demo builds its pages in the default language, Russian."""


def load():
    with override_settings(DEBUG=True), open("/dev/null", "w") as out:  # noqa: PTH123
        call_command("load_demo", stdout=out)


def test_demo_reports_cover_both_workspaces_audiences_and_make_real_charts(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        load()
    for slug in ("osh-monitoring", "andijan-shelters"):
        reports = MonitoringReport.objects.filter(workspace__slug=slug)
        assert reports.filter(audience="workspace").exists()
        assert reports.filter(audience="network", status="reviewed").exists()
    total = CaseRecord.objects.count()
    assert 280 <= total <= 320
    statistics = public_statistics()
    assert statistics.total and statistics.total >= 200
    shown = [cell for table in statistics.tables for cell in table.cells]
    assert sum(cell.count is not None for cell in shown) > 0.75 * len(shown)


def test_demo_reports_are_not_duplicated_or_reset_by_a_second_run():
    load()
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
