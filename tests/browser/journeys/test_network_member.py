"""A network member looks for help for someone across the border, in
Russian, at desktop and phone width: from their workspaces to the service
directory, filters it by country, service and language (a GET form, no
script), and sees the internal notes that the public get-help page never shows.
Then, as a case worker, opens the network statistics and finds the referral
figures, every small one as "fewer than 11"."""

import re

import pytest

from tests.browser.journey import sign_in
from tests.browser.journeys.people import person
from tests.factories import OrganisationFactory, make_workspace
from tests.referrals.builders import make_provider, untranslated_words

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_network_member_filters_the_service_directory(journey):
    member = person("member@example.org", "Нурлан", "Абдыкадыров", "Центр «Шанс»")
    # A case worker: referral figures are for those who refer (and coordinators).
    make_workspace(owner=member, name="Случаи Центра «Шанс»", organisation=member.organisation)
    andijan = OrganisationFactory(name="Андижанский центр поддержки семьи", country="UZ")
    make_provider(
        organisation=andijan,
        name="",
        services=["shelter", "medical"],
        country="UZ",
        city="Андижан",
        languages=["uz", "ru"],
        accepts_referrals=True,
        # Referrals through the portal land in a workspace of its own.
        receiving_workspace=make_workspace(name="Приём направлений", organisation=andijan),
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
    allowed = untranslated_words() + untranslated_statistics_words()
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

    # The network's live figures, from the workspaces page: referrals by
    # corridor and TRM phase, small groups as "fewer than 11".
    page.locator(".site-nav__account a").click()
    page.wait_for_url("**/workspaces/")
    page.locator('a[href="/network/statistics/"]').click()
    page.wait_for_url("**/network/statistics/")
    section = page.locator("section.referral-stats")
    section.scroll_into_view_if_needed()
    assert section.is_visible()
    assert section.locator('table[data-table="phases"] tbody tr').count() == 5
    assert _("fewer than %(k)s") % {"k": 11} in section.inner_text()
    journey.check("network-statistics", allowed_words=allowed)


def untranslated_statistics_words(language="ru"):
    """The statistics page's words whose Russian arrives with the merged
    catalogue (helpers write PO fragments); nothing once it is there."""
    from django.utils import translation

    from portal.referrals.statistics import STATUS_HEADINGS
    from portal.referrals.vocabulary import Outcome, Phase

    # The labels themselves (lazy, some with a context), read in each language.
    labels = [*STATUS_HEADINGS.values(), *Phase.labels, *Outcome.labels]
    labels += [
        "Network statistics",
        "Live figures for people of verified member organisations. Do not pass them "
        "outside the network: the public figures are the releases on the statistics page.",
        "Referrals between organisations",
        "Referrals sent through the portal, by where they stand now. The median time to "
        "acceptance runs from sending to the receiving side's acceptance.",
        "Corridor",
        "Referrals by corridor (from country → to country)",
        "TRM phase",
        "Referrals by phase of the Transnational Referral Mechanism",
        "Sent",
        "Median time to acceptance",
        "Outcomes of closed referrals",
        "All closed referrals",
        "All referrals",
        "not shown (fewer than %(k)s accepted)",
        "Any figure below %(k)s, zero included, is shown as “fewer than %(k)s”.",
        "Where a total would let such a figure be worked out by subtraction, the total "
        "is “not shown” (rarely another figure).",
        "Corridors with fewer than %(k)s referrals are counted together under “Other corridors”.",
        "A median time is shown only for at least %(k)s accepted referrals.",
        "These figures are counted live and change with every referral: keep them "
        "inside the network.",
    ]
    words = set()
    for label in labels:
        with translation.override("en"):
            english = str(label) if not isinstance(label, str) else label
        with translation.override(language):
            local = str(label) if not isinstance(label, str) else translation.gettext(label)
        if local == english:
            words.update(re.findall(r"[A-Za-z][A-Za-z'-]+", english))
    return sorted(words)


def _(text):
    from django.utils import translation

    with translation.override("ru"):
        return translation.gettext(text)
