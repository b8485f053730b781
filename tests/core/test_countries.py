"""Every list of countries a person reads: the Ferghana Valley's three first,
then by name in the reader's language (not by ISO code)."""

import pytest
from django.utils import translation

from portal.core.countries import OTHER, country_choices, in_reading_order
from portal.reports.forms import CaseRecordForm


def names(choices):
    return [str(name) for _code, name in choices]


def test_in_russian_the_valley_comes_first_then_countries_by_russian_name():
    with translation.override("ru"):
        listed = names(country_choices())
    assert listed[:3] == ["Кыргызстан", "Таджикистан", "Узбекистан"]
    # Australia and Austria before Azerbaijan in Russian, by ISO code it is AT, AU, AZ.
    assert listed[3:6] == ["Австралия", "Австрия", "Азербайджан"]
    assert listed.index("Германия") < listed.index("Дания") < listed.index("Япония")


def test_in_english_the_same_function_orders_by_english_name():
    with translation.override("en"):
        listed = names(country_choices())
    assert listed[:3] == ["Kyrgyzstan", "Tajikistan", "Uzbekistan"]
    assert listed[3:5] == ["Afghanistan", "Åland Islands"]
    assert listed.index("Germany") < listed.index("Ghana") < listed.index("Greece")


def test_other_comes_after_every_country():
    with translation.override("ru"):
        assert in_reading_order([OTHER, "RU", "KZ", "UZ"]) == ["UZ", "KZ", "RU", OTHER]


@pytest.mark.parametrize(("language", "first"), [("ru", "Кыргызстан"), ("en", "Kyrgyzstan")])
def test_case_form_lists_countries_in_the_language_of_the_request(language, first):
    with translation.override(language):
        labels = [str(label) for _code, label in CaseRecordForm().fields["citizenship"].choices]
    assert labels[1] == first
    assert labels[4] == ("Австралия" if language == "ru" else "Afghanistan")
