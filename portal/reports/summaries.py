"""A report's totals (record count and counts by dimension), as the policy lets
this person see them (``view_totals`` / ``exact_totals`` in portal.reports.policy).

Exact totals of a small report are its rows ("Organ removal: 1", "0–8: 1"), so
people who may not read the rows (observers, network members outside the
workspace) get the public statistics' rule, through the same functions: the
rows are k-anonymised (portal.reports.anonymity) and aggregated with
``statistics.aggregate``, so every cell under k reads "fewer than k", and the
record count itself follows the same rule. People who may read the rows get the
exact figures: they learn nothing the rows do not show them.
"""

from dataclasses import dataclass

from .anonymity import anonymise, default_k
from .charts import cell_text
from .exchange import records_rows
from .statistics import Cell, Statistics, aggregate, small_cell

RECORDS = "records"


@dataclass(frozen=True)
class _ExactRows:
    """What ``aggregate`` reads from a release: the report's own rows, with a k
    of 0 so that no cell is suppressed (not even an empty one)."""

    rows: tuple
    k: int = 0


def totals_k(access):
    """The k of the small-cell rule for this person, 0 when they see exact totals."""
    return 0 if access.exact_totals else default_k()


def record_count(count, access):
    """A report's number of case records as a Cell: None (fewer than k) unless
    this person sees exact totals. The one function for every list and field
    that shows a per-report count (report pages and lists, the members' API)."""
    return small_cell(RECORDS, count, totals_k(access))


def record_count_text(count, access):
    return cell_text(record_count(count, access), totals_k(access))


@dataclass(frozen=True)
class ReportTotals:
    k: int  # 0: exact figures
    records: Cell
    statistics: Statistics

    @property
    def exact(self):
        return self.k == 0

    @property
    def records_text(self):
        return cell_text(self.records, self.k)

    def tables(self):
        """(table, [(label, text, suppressed)]) for templates."""
        return [
            (
                table,
                [
                    (label, cell_text(cell, self.k), cell.suppressed)
                    for cell, label in table.labelled()
                ],
            )
            for table in self.statistics.tables
        ]


def report_totals(report, access):
    """The totals of ``report`` for a person with ``access``; None when the
    policy gives them no totals at all."""
    if not access.view_totals:
        return None
    rows = tuple(records_rows(report.cases.order_by("pk")))
    k = totals_k(access)
    statistics = aggregate(_ExactRows(rows) if k == 0 else anonymise(rows, k))
    return ReportTotals(k=k, records=record_count(len(rows), access), statistics=statistics)
