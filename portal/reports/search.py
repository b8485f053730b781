"""How monitoring reports appear in search (the engine lives in portal/search).

A report's document carries exactly the audience tokens of ``report.audiences()``,
so a search hit is shown to the same people who may open the report. The text is
the title, region and summary narrative; comments and case records are not
indexed as text (comments are workspace-internal even when the report is shared,
and case records are codes). Case records feed the countries facet, so a change
to them re-indexes the report.

One document serves its whole audience, down to its least trusted reader (an
observer, a network member outside the workspace), whom the report policy gives
totals under the small-cell rule, never rows. So the facet carries only the
countries those totals show: the report's own country, and the countries of
exploitation that survive the k-anonymous release of its records. A country
that a handful of records share would otherwise tell every network member
where those people were exploited.
"""

from django.utils.translation import gettext_lazy as _

from portal.search.registry import SearchEntry, SearchSource

from .anonymity import WITHHELD, anonymise
from .exchange import records_rows
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
        release = anonymise(records_rows(report.cases.order_by("pk")))
        countries.update(
            row["CountryOfExploitation"]
            for row in release.rows
            if row["CountryOfExploitation"] not in ("", WITHHELD)
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
