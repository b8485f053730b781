"""Filtering the resource library with counts, in plain functions.

The index reads one compact row per resource (a single query whatever the size
of the library), then filters and counts here. Counts follow the usual faceted
rule: the count shown next to a value is how many resources you would get by
choosing it, keeping the other filters as they are.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

FACETS = ("topic", "audience", "language", "country", "type")


@dataclass(frozen=True)
class Row:
    pk: int
    date: date
    title: str
    values: dict[str, frozenset[str]]  # facet -> the resource's values for it

    def matches(self, selected, skip=None):
        return all(
            value in self.values[facet]
            for facet, value in selected.items()
            if value and facet != skip
        )


def make_row(pk, date_, title, *, topic, audiences, language, countries, resource_type):
    return Row(
        pk=pk,
        date=date_,
        title=title,
        values={
            "topic": frozenset([topic]) if topic else frozenset(),
            "audience": frozenset(audiences),
            "language": frozenset([language]) if language else frozenset(),
            "country": frozenset(countries),
            "type": frozenset([resource_type]) if resource_type else frozenset(),
        },
    )


def facet_counts(rows, selected):
    """{facet: Counter(value -> resources matching it and the other filters)}."""
    counts = {facet: Counter() for facet in FACETS}
    for row in rows:
        for facet in FACETS:
            if row.matches(selected, skip=facet):
                counts[facet].update(row.values[facet])
    return counts


def filter_rows(rows, selected):
    """Rows matching every selected value, newest first."""
    matching = [row for row in rows if row.matches(selected)]
    # Newest first; titles A to Z within a day (sort is stable).
    matching.sort(key=lambda row: row.title.casefold())
    matching.sort(key=lambda row: row.date, reverse=True)
    return matching
