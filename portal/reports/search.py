"""How monitoring reports appear in search (the engine lives in portal/search).

A report's document carries exactly the audience tokens of ``report.audiences()``,
so a search hit is shown to the same people who may open the report. The text is
the title, region and summary narrative; comments and case records are not
indexed as text (comments are workspace-internal even when the report is shared,
and case records are codes). Case records feed the countries facet, so a change
to them re-indexes the report.
"""

from django.utils.translation import gettext_lazy as _

from portal.search.registry import SearchEntry, SearchSource

from .models import CaseRecord, MonitoringReport


class ReportSource(SearchSource):
    kind = "report"
    label = _("Monitoring report")
    model = MonitoringReport
    watch = {CaseRecord: lambda record: [record.report_id]}

    def get_queryset(self):
        return MonitoringReport.objects.select_related("workspace")

    def entry_for(self, report):
        countries = {report.country}
        countries.update(
            code
            for code in report.cases.values_list("country_of_exploitation", flat=True).distinct()
            if code
        )
        body = "\n".join(part for part in (report.region, report.summary) if part)
        return SearchEntry(
            kind=self.kind,
            object_id=str(report.pk),
            title=report.title,
            url=report.get_absolute_url(),
            audiences=report.audiences(),
            body=body,
            countries=tuple(sorted(countries)),
            date=report.period_end,
            workspace_id=report.workspace_id,
            extra={"status": report.status, "audience": report.audience},
        )
