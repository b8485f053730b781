"""The case-record vocabulary is CTDC's, and the database refuses anything else."""

import pytest
from django.db import DatabaseError, transaction

from portal.core.countries import COUNTRIES, REGION_CODES, country_choices
from portal.reports import vocabulary as vocab
from portal.reports.models import CaseRecord
from tests.reports.factories import case_values, make_report

pytestmark = pytest.mark.django_db


def test_every_flag_column_has_a_model_field():
    field_names = {field.name for field in CaseRecord._meta.get_fields()}
    for group in vocab.FLAG_GROUPS:
        for field in group.fields:
            assert field in field_names


def test_stored_values_are_the_ctdc_and_htcds_codes():
    assert vocab.AgeBand.values == [
        "0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+",
    ]  # fmt: skip
    assert vocab.Gender.values == ["Female", "Male", "Transgender/NonConforming", "Unknown"]
    assert vocab.CaseStatus.values == ["Active", "FollowUp", "Closed", "ClosedReferred"]
    assert vocab.Exploitation.FORCED_LABOUR == "isForcedLabour"
    assert vocab.MeansOfControl.DEBT_BONDAGE == "meansOfControlDebtBondage"
    assert len(vocab.MeansOfControl) == 18
    assert vocab.field_name("CountryOfExploitation") == "country_of_exploitation"


def test_the_country_list_is_the_full_iso_3166_alpha_2_list():
    assert len(COUNTRIES) == 249
    assert all(len(code) == 2 and code.isupper() for code in COUNTRIES)
    # The valley's three come first (then by name in the reader's language).
    assert {code for code, _name in country_choices()[:3]} == set(REGION_CODES)


@pytest.mark.parametrize(
    "field, value",
    [
        ("gender", "Woman with a scar"),
        ("age_band", "25"),
        ("citizenship", "Kyrgyz"),
        ("country_of_exploitation", "ru"),
        ("case_status", "Waiting for Aigul"),
        ("referred_to", "Shelter on Lenin street"),
        ("year_of_registration", 1985),
    ],
)
def test_the_database_refuses_free_text_in_a_case_record(field, value):
    report = make_report()
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseRecord.objects.create(report=report, **case_values(**{field: value}))


def test_the_model_validates_country_codes_against_the_list():
    from django.core.exceptions import ValidationError

    record = CaseRecord(report=make_report(), **case_values(citizenship="XX"))
    with pytest.raises(ValidationError) as raised:
        record.full_clean()
    assert "citizenship" in raised.value.message_dict
