"""Filtering and counting in plain functions."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from portal.resources.facets import FACETS, facet_counts, filter_rows, make_row

DAY = datetime.date(2026, 1, 1)


def row(
    pk,
    *,
    topic="legal",
    audiences=("lawyers",),
    language="ru",
    countries=("KG",),
    kind="guide",
    day=0,
):
    return make_row(
        pk,
        DAY + datetime.timedelta(days=day),
        f"Resource {pk}",
        topic=topic,
        audiences=audiences,
        language=language,
        countries=countries,
        resource_type=kind,
    )


def test_counts_keep_the_other_filters_and_ignore_the_facets_own_choice():
    rows = [
        row(1, topic="legal", audiences=("lawyers", "police")),
        row(2, topic="legal", audiences=("ngos",)),
        row(3, topic="prevention", audiences=("police",)),
    ]
    counts = facet_counts(rows, {"audience": "police"})
    # Choosing a topic keeps "police": legal 1, prevention 1.
    assert counts["topic"] == {"legal": 1, "prevention": 1}
    # The audience facet counts as if no audience were chosen.
    assert counts["audience"] == {"lawyers": 1, "police": 2, "ngos": 1}


def test_multi_valued_fields_match_any_of_their_values():
    rows = [row(1, countries=("KG", "UZ")), row(2, countries=("TJ",)), row(3, countries=())]
    assert [r.pk for r in filter_rows(rows, {"country": "UZ"})] == [1]
    assert [r.pk for r in filter_rows(rows, {})] == [1, 2, 3]


def test_results_are_newest_first_then_by_title():
    rows = [row(1, day=0), row(2, day=5), row(3, day=5)]
    assert [r.pk for r in filter_rows(rows, {})] == [2, 3, 1]


values = {
    "topic": st.sampled_from(["legal", "prevention", "children"]),
    "audience": st.sampled_from(["lawyers", "police", "ngos"]),
    "language": st.sampled_from(["ru", "en", "uz"]),
    "country": st.sampled_from(["KG", "UZ", "TJ"]),
    "type": st.sampled_from(["guide", "form"]),
}
rows_strategy = st.lists(
    st.builds(
        lambda pk, topic, audiences, language, countries, kind: row(
            pk, topic=topic, audiences=audiences, language=language, countries=countries, kind=kind
        ),
        st.integers(1, 10_000),
        values["topic"],
        st.sets(values["audience"], max_size=3),
        values["language"],
        st.sets(values["country"], max_size=3),
        values["type"],
    ),
    max_size=25,
)
selection_strategy = st.fixed_dictionaries({}, optional={facet: values[facet] for facet in FACETS})


@given(rows_strategy, selection_strategy)
def test_a_count_is_the_number_of_results_choosing_that_value_gives(rows, selected):
    counts = facet_counts(rows, selected)
    for facet in FACETS:
        for value, count in counts[facet].items():
            assert count == len(filter_rows(rows, {**selected, facet: value}))
