"""Releases, agreements and tokens for the exchange tests."""

import datetime

import pytest
from django.utils import timezone

from portal.api import tokens
from portal.api.models import Scope
from portal.core.audience import NETWORK
from portal.exchange.models import Agreement, Delivery, Tier
from tests.factories import OrganisationFactory
from tests.reports.factories import add_cases, make_report, publish


@pytest.fixture(autouse=True)
def english_interface(settings):
    """These tests read the API's and the services' English wording (partners
    get the reader's language; Russian is the default)."""
    settings.LANGUAGE_CODE = "en"


def shared_report_with_cases(count=30, **values):
    report = make_report(audience=NETWORK)
    add_cases(report, count, **values)
    return report


@pytest.fixture
def release(db):
    """A release of 30 records KG → RU (2023) and 15 UZ → KZ (2024)."""
    shared_report_with_cases(30)
    shared_report_with_cases(
        15, citizenship="UZ", country_of_exploitation="KZ", year_of_registration=2024
    )
    return publish()


def make_agreement(
    *,
    tier=Tier.RECORDS,
    countries=("KG", "UZ"),
    delivery=Delivery.PULL,
    starts_on=None,
    ends_on=None,
    scopes=(Scope.EXCHANGE,),
    **fields,
):
    today = timezone.localdate()
    partner = OrganisationFactory(verified=False)
    starts_on = starts_on or today - datetime.timedelta(days=30)
    ends_on = ends_on or today + datetime.timedelta(days=335)
    token, raw = tokens.issue_token(
        name="Exchange",
        organisation=partner,
        scopes=list(scopes),
        expires_at=timezone.now() + datetime.timedelta(days=400),
        actor=None,
    )
    fields.setdefault("year_from", 2020)
    fields.setdefault("year_to", 2026)
    agreement = Agreement.objects.create(
        title=f"Agreement with {partner.name}",
        partner=partner,
        tier=tier,
        countries=list(countries),
        starts_on=starts_on,
        ends_on=ends_on,
        contact_name="Data officer",
        contact_email="data@partner.example",
        delivery=delivery,
        token=token,
        **fields,
    )
    return agreement, raw


@pytest.fixture
def agreement(db):
    return make_agreement()
