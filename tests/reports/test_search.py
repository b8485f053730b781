"""How reports are described to search: the document's audience is the report's."""

import pytest

from portal.reports import services
from portal.reports.models import CaseRecord, MonitoringReport
from portal.reports.search import ReportSource
from portal.search.registry import registry
from tests.reports.factories import add_cases, make_report

pytestmark = pytest.mark.django_db


def test_the_report_source_is_registered_for_the_model_and_watches_case_records():
    source = registry.get("report")
    assert isinstance(source, ReportSource)
    assert registry.source_for_model(MonitoringReport) is source
    [(watching, resolver)] = [
        pair for pair in registry.sources_watching(CaseRecord) if pair[0] is source
    ]
    report = make_report()
    [record] = add_cases(report)
    assert list(resolver(record)) == [report.pk]


def test_entry_for_a_workspace_report():
    report = make_report(
        title="Osh returnees",
        region="Osh oblast",
        summary="Construction sites in Russia.",
        country="KG",
    )
    # Eleven (k) records share the country: enough to name it to every reader.
    add_cases(report, 11, country_of_exploitation="RU")
    add_cases(report, 1, country_of_exploitation="")
    entry = ReportSource().entry_for(report)
    assert entry.kind == "report" and entry.doc_id == f"report-{report.pk}"
    assert entry.title == "Osh returnees"
    assert entry.url == report.get_absolute_url()
    assert entry.audiences == (f"workspace:{report.workspace_id}",)
    assert "Construction sites in Russia." in entry.body and "Osh oblast" in entry.body
    assert entry.countries == ("KG", "RU")
    assert entry.date == report.period_end and entry.year == 2024
    assert entry.workspace_id == report.workspace_id


def test_the_entry_follows_share_and_withdraw():
    report = make_report(status="reviewed")
    source = ReportSource()
    assert source.entry_for(report).audiences == (f"workspace:{report.workspace_id}",)
    report = services.share_report(report, actor=None)
    assert source.entry_for(report).audiences == (f"workspace:{report.workspace_id}", "network")
    report = services.withdraw_report(report, actor=None)
    assert source.entry_for(report).audiences == (f"workspace:{report.workspace_id}",)


def test_comments_never_reach_the_search_document():
    report = make_report(audience="network")
    services.add_comment(report, actor=None, body="Internal: shelter is full this week")
    entry = ReportSource().entry_for(report)
    assert "shelter is full" not in entry.body
