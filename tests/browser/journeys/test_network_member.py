"""A network member looks for help for someone across the border, in
Russian, at desktop and phone width: from their workspaces to the service
directory, filters it by country, service and language (a GET form, no
script), and sees the internal notes that the public get-help page never shows."""

import pytest

from tests.browser.journey import sign_in
from tests.browser.journeys.people import person
from tests.factories import OrganisationFactory
from tests.referrals.builders import make_provider, untranslated_words

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_network_member_filters_the_service_directory(journey):
    member = person("member@example.org", "Нурлан", "Абдыкадыров", "Центр «Шанс»")
    andijan = OrganisationFactory(name="Андижанский центр поддержки семьи", country="UZ")
    make_provider(
        organisation=andijan,
        name="",
        services=["shelter", "medical"],
        country="UZ",
        city="Андижан",
        languages=["uz", "ru"],
        accepts_referrals=True,
        notes_internal="Мужчин принимают по согласованию с директором.",
    )
    make_provider(
        name="Худжандская юридическая клиника",
        services=["legal_aid"],
        country="TJ",
        city="Худжанд",
        languages=["tg", "ru"],
        public=True,
    )
    make_provider(
        name="Ошская поликлиника", services=["medical"], country="KG", city="Ош", languages=["ky"]
    )
    allowed = untranslated_words()
    page = journey.page

    sign_in(page, journey.base, member.email)
    # Where sign-in sends a member, as open_workspaces does.
    journey.goto("/workspaces/")
    journey.check("workspaces", allowed_words=allowed)
    page.get_by_role("link", name=_("Service directory")).click()
    page.wait_for_url("**/services/")
    journey.check("directory", allowed_words=allowed)
    assert page.locator(".provider").count() == 3

    # Shelters in Uzbekistan where Uzbek is spoken.
    form = page.locator("form.filters")
    form.locator("select[name=country]").select_option("UZ")
    form.locator("select[name=service]").select_option("shelter")
    form.locator("select[name=language]").select_option("uz")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/services/?*country=UZ*")
    journey.check("directory-filtered", allowed_words=allowed)
    providers = page.locator(".provider")
    assert providers.count() == 1
    assert "Андижанский центр поддержки семьи" in providers.first.inner_text()
    assert "Мужчин принимают по согласованию" in providers.first.inner_text()

    # Only those who take referrals through the portal, anywhere.
    page.get_by_role("link", name=_("Clear")).click()
    page.locator("form.filters input[name=accepts_referrals]").check()
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**/services/?*accepts_referrals=on*")
    journey.check("directory-referrals", allowed_words=allowed)
    assert page.locator(".provider").count() == 1


def _(text):
    from django.utils import translation

    with translation.override("ru"):
        return translation.gettext(text)
