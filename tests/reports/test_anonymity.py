"""k-anonymity: the release partners get and the statistics are made from.

Property-based (hypothesis): for any set of records and any k, every released
combination of quasi-identifiers occurs at least k times, statistics never show a
cell under k, and without noise they are the true counts.
"""

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.core.countries import OTHER
from portal.reports import vocabulary as vocab
from portal.reports.anonymity import (
    ADULT_BAND,
    ANONYMISED_COLUMNS,
    MINOR_BAND,
    QUASI_IDENTIFIERS,
    WITHHELD,
    anonymise,
    is_k_anonymous,
    quasi_identifier_key,
)
from portal.reports.exchange import MEMBER_COLUMNS, RECORD_COLUMNS
from portal.reports.releases import _country_domain, draw_figures, encode_rows
from portal.reports.statistics import EXPLOITATION_CATEGORIES
from tests.reports.factories import EXACT_EPSILON

# Skewed value pools, as real monitoring data is: some combinations are common,
# many are rare.
YEARS = st.sampled_from([2021, 2022, 2023, 2023, 2024])
GENDERS = st.sampled_from(
    ["Male", "Male", "Female", "Female", "Transgender/NonConforming", "Unknown"]
)
AGES = st.sampled_from(["24--26", "24--26", "30--38", "18--20", "9--17", "0--8", "48+", ""])
COUNTRIES = st.sampled_from(["KG", "KG", "UZ", "UZ", "TJ", "RU", "KZ", ""])
DESTINATIONS = st.sampled_from(["RU", "RU", "RU", "KZ", "TR", "AE", "KG", ""])
FLAG = st.booleans()


@st.composite
def rows(draw):
    row = {
        "recordId": draw(st.integers(1, 10**6)),
        "reportId": draw(st.integers(1, 50)),
        "yearOfRegistration": draw(YEARS),
        "gender": draw(GENDERS),
        "ageBroad": draw(AGES),
        "citizenship": draw(COUNTRIES),
        "CountryOfExploitation": draw(DESTINATIONS),
        "caseStatus": draw(st.sampled_from(["Active", "Closed", ""])),
        "referredTo": draw(st.sampled_from(["NGO", ""])),
    }
    row["majorityStatus"] = vocab.majority_status(row["ageBroad"])
    for column in vocab.ALL_FLAG_COLUMNS:
        row[column] = int(draw(FLAG))
    return _complete(row)


def _complete(row):
    """Add the derived columns an exchange row has (concatenated flags…)."""
    for group in vocab.FLAG_GROUPS:
        row[group.concatenated_column] = ";".join(
            vocab.EXCHANGE_LABELS[column] for column in group.columns if row[column]
        )
    row["isSexAndLabour"] = int(bool(row["isForcedLabour"] and row["isSexualExploit"]))
    return row


RECORD_SETS = st.lists(rows(), max_size=160)
KS = st.integers(min_value=1, max_value=15)
PROPERTY_SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@PROPERTY_SETTINGS
@given(records=RECORD_SETS, k=KS)
def test_every_released_combination_occurs_at_least_k_times(records, k):
    release = anonymise(records, k)
    counts = Counter(quasi_identifier_key(row) for row in release.rows)
    assert all(count >= k for count in counts.values())
    assert is_k_anonymous(release.rows, k)
    assert release.records_out + release.rows_withheld == len(records)


@PROPERTY_SETTINGS
@given(records=RECORD_SETS, k=KS)
def test_released_rows_hold_no_identifier_and_only_coarsened_values(records, k):
    release = anonymise(records, k)
    # majorityStatus follows the released age band; everything else is kept.
    sensitive = [c for c in ANONYMISED_COLUMNS if c not in (*QUASI_IDENTIFIERS, "majorityStatus")]
    originals = Counter(tuple(record[c] for c in sensitive) for record in records)
    for row in release.rows:
        assert set(row) == set(ANONYMISED_COLUMNS)
        assert "recordId" not in row and "reportId" not in row
        assert row["ageBroad"] in [*vocab.AgeBand.values, MINOR_BAND, ADULT_BAND, WITHHELD, ""]
        # Sensitive attributes come from a real record, unchanged.
        key = tuple(row[c] for c in sensitive)
        assert originals[key] > 0
        originals[key] -= 1


@PROPERTY_SETTINGS
@given(records=RECORD_SETS, k=KS)
def test_statistics_never_show_a_cell_under_k(records, k):
    total, tables = draw_figures(encode_rows(records), epsilon=1.0, k=k)
    assert total is None or total >= k
    for table in tables:
        for cell in table["cells"]:
            assert cell["count"] is None or cell["count"] >= k


def _true_counts(records):
    """The counts computed independently from the records."""
    return {
        "year": Counter(str(r["yearOfRegistration"]) for r in records),
        "country": Counter(r["CountryOfExploitation"] for r in records),
        "citizenship": Counter(r["citizenship"] for r in records),
        "gender": Counter(r["gender"] for r in records),
        "age": Counter(r["ageBroad"] for r in records),
        "exploitation": Counter(
            {code: sum(int(r[code]) for r in records) for code, _label in EXPLOITATION_CATEGORIES}
        ),
    }


def _check_corridors(table, records, k):
    """Without noise the corridors shown are the true ones of the corridors'
    years at or above the threshold (k when the noise is zero)."""
    from portal.reports.releases import _corridor_years, corridor_threshold

    years, threshold = set(_corridor_years()), corridor_threshold(EXACT_EPSILON, k)
    countries = set(_country_domain()) - {OTHER}
    true = Counter(
        (
            str(r["yearOfRegistration"]),
            r["citizenship"] if r["citizenship"] in countries else OTHER,
            r["CountryOfExploitation"] if r["CountryOfExploitation"] in countries else OTHER,
        )
        for r in records
        if str(r["yearOfRegistration"]) in years
    )
    shown = {(c["year"], c["citizenship"], c["country"]): c["count"] for c in table["cells"]}
    assert shown == {cell: n for cell, n in true.items() if n >= threshold}


@PROPERTY_SETTINGS
@given(records=RECORD_SETS, k=KS)
def test_without_noise_the_statistics_are_the_true_counts_at_or_above_k(records, k):
    """The counting itself is right: with a budget so large that the noise is
    zero, every figure is the true count, or "fewer than k" below k."""
    total, tables = draw_figures(encode_rows(records), epsilon=EXACT_EPSILON, k=k)
    assert total == (len(records) if len(records) >= k else None)
    expected = _true_counts(records)
    for table in tables:
        if table["key"] == "corridor":
            _check_corridors(table, records, k)
            continue
        shown = {cell["code"]: cell["count"] for cell in table["cells"]}
        for code in set(shown) | {c for c, n in expected[table["key"]].items() if n}:
            true_count = expected[table["key"]].get(code, 0)
            assert shown.get(code) == (true_count if true_count >= k else None), (table, code)


def test_common_combinations_are_released_unchanged():
    common = [_row(gender="Male", age="24--26") for _ in range(11)]
    release = anonymise(common, 11)
    assert release.records_out == 11
    assert release.values_generalised == release.values_withheld == 0
    assert {row["ageBroad"] for row in release.rows} == {"24--26"}


def test_rare_rows_lose_the_age_band_first_then_details_then_go():
    common = [_row(age="24--26") for _ in range(11)]
    # Eleven adults of mixed bands: together they form a class once generalised.
    mixed = [_row(age=band) for band in ["18--20"] * 6 + ["30--38"] * 5]
    lonely = [_row(citizenship="TJ", country="PL", gender="Female", year=2021, age="48+")]
    release = anonymise(common + mixed + lonely, 11)
    ages = Counter(row["ageBroad"] for row in release.rows)
    assert ages == {"24--26": 11, ADULT_BAND: 11}
    assert release.rows_withheld == 1
    assert all(row["majorityStatus"] == "Adult" for row in release.rows)


def test_withheld_values_only_group_with_withheld_values():
    # Rows that differ only by citizenship: their citizenship is withheld and
    # together they make a class of 11.
    rows = [_row(citizenship=code) for code in ["KZ"] * 4 + ["TJ"] * 4 + ["TM"] * 3]
    release = anonymise(rows, 11)
    assert {row["citizenship"] for row in release.rows} == {WITHHELD}
    assert release.records_out == 11


def test_majority_status_is_recomputed_from_the_released_age():
    rows = [_row(age="9--17", citizenship=c) for c in ["KG", "UZ", "TJ"] * 4]
    release = anonymise(rows[:11], 11)
    assert {row["majorityStatus"] for row in release.rows} <= {"Minor", WITHHELD}


def test_k_must_be_positive():
    with pytest.raises(ValueError):
        anonymise([], 0)


def test_export_columns_are_ctdc_names_and_members_get_identifiers():
    assert RECORD_COLUMNS[:3] == ("yearOfRegistration", "gender", "ageBroad")
    assert "CountryOfExploitation" in RECORD_COLUMNS
    assert MEMBER_COLUMNS[:2] == ("recordId", "reportId")
    assert "recordId" not in ANONYMISED_COLUMNS


def _row(*, year=2023, gender="Male", age="24--26", citizenship="KG", country="RU"):
    row = dict.fromkeys(vocab.ALL_FLAG_COLUMNS, 0)
    row.update(
        yearOfRegistration=year,
        gender=gender,
        ageBroad=age,
        majorityStatus=vocab.majority_status(age),
        citizenship=citizenship,
        CountryOfExploitation=country,
        isForcedLabour=1,
        caseStatus="Active",
        referredTo="",
    )
    return _complete(row)
