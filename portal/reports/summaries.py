"""Totals of a report's case records, for people who may read the report but not
its rows (network members outside the workspace)."""

from collections import Counter
from dataclasses import dataclass

from .exchange import records_rows
from .statistics import DIMENSION_TITLES, EXPLOITATION_CATEGORIES, category_label, sorted_codes


@dataclass(frozen=True)
class SummaryTable:
    key: str
    rows: tuple  # (label, count)

    @property
    def title(self):
        return DIMENSION_TITLES[self.key]


def case_summary(queryset):
    rows = list(records_rows(queryset))
    tables = []
    for key, column in (
        ("gender", "gender"),
        ("age", "ageBroad"),
        ("citizenship", "citizenship"),
        ("country", "CountryOfExploitation"),
        ("year", "yearOfRegistration"),
    ):
        counts = Counter(str(row[column]) for row in rows)
        ordered = sorted_codes(key, counts)
        tables.append(
            SummaryTable(key, tuple((category_label(key, code), counts[code]) for code in ordered))
        )
    exploitation = tuple(
        (category_label("exploitation", code), sum(1 for row in rows if row[code]))
        for code, _label in EXPLOITATION_CATEGORIES
    )
    tables.insert(0, SummaryTable("exploitation", exploitation))
    return {"total": len(rows), "tables": tables}
