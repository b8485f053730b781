"""Referral figures on the network statistics page (/network/statistics/):
per corridor and per TRM phase, where referrals stand, the median time to
acceptance and the outcomes, with the small-cell rule; and who gets them."""

import datetime
import re

import pytest
from django.utils import timezone

from portal.referrals import lifecycle
from portal.referrals.models import Referral
from portal.referrals.statistics import referral_statistics
from portal.reports import statistics_sections
from tests.conftest import per_module
from tests.referrals.builders import make_provider, referral_world, send_referral

pytestmark = pytest.mark.django_db

URL = "/network/statistics/"
SECTION = "Referrals between organisations"
T0 = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))


def _statistics_world():
    world = referral_world()
    world["khujand_provider"] = make_provider(
        organisation=world["third"].organisation,
        name="",
        services=["shelter", "psychological", "legal_aid"],
        country="TJ",
        city="Khujand",
        languages=["tg", "ru"],
        accepts_referrals=True,
        receiving_workspace=world["third"],
    )
    return world


_module_world, world = per_module(
    "world",
    _statistics_world,
    """The referral world and a provider in Khujand, made once per module.""",
)


def _times(referral, answered_after_hours=None):
    """The referral as sent at T0 and answered that many hours later."""
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=T0,
        responded_at=None
        if answered_after_hours is None
        else T0 + datetime.timedelta(hours=answered_after_hours),
    )


def to_andijan(world, phase="first_assistance"):
    return send_referral(world, phase=phase)


def to_khujand(world, phase="long_term"):
    return lifecycle.send(
        world["osh_member"],
        world["case"],
        world["khujand_provider"],
        lifecycle.Request(
            services=("shelter",),
            phase=phase,
            urgency="routine",
            languages=("ru",),
            needs="Legal advice on a labour claim.",
        ),
        lifecycle.Consent(
            date=datetime.date.today(),
            given=True,
            given_by="person",
            method="written",
            services=("shelter",),
            data=("profile",),
        ),
    )


@pytest.fixture
def several(world):
    """Osh -> Andijan (KG -> UZ): four accepted after 10, 30, 20 and 40
    hours, two of them closed (services provided), two declined. Osh ->
    Khujand (KG -> TJ): two waiting, one revoked."""
    andijan = world["andijan_member"]
    for hours, close in ((10, True), (30, True), (20, False), (40, False)):
        referral = lifecycle.accept(andijan, to_andijan(world))
        if close:
            referral = lifecycle.close(andijan, referral, "completed")
        _times(referral, hours)
    for _ in range(2):
        lifecycle.decline(andijan, to_andijan(world, phase="long_term"), "No place for men.")
    for _ in range(2):
        to_khujand(world)
    lifecycle.revoke(world["osh_member"], to_khujand(world), "The person went home.")
    return world


def row(rows, label):
    return next(row for row in rows if row.label == label)


def texts(row):
    return [str(row.total), *(str(figure) for figure in row.statuses)]


def section(response):
    """The referral section of the page, or "" when it is not there."""
    body = response.content.decode()
    found = re.search(r'<section class="referral-stats".*?</section>', body, re.S)
    return found.group(0) if found else ""


def sign_in(client, user):
    client.force_login(user)
    return client


# --- The figures ------------------------------------------------------------------


def test_figures_per_corridor_phase_and_outcome_for_k_2(several, settings):
    settings.PORTAL_K_ANONYMITY = 2
    stats = referral_statistics()
    assert stats.k == 2
    # Columns: sent, waiting, in progress, declined, revoked, closed.
    andijan = row(stats.corridors, "Kyrgyzstan → Uzbekistan")
    assert texts(andijan)[2:] == ["2", "2", "fewer than 2", "2"]
    assert andijan.median_text == "25 h"  # of 10, 20, 30 and 40 hours
    khujand = row(stats.corridors, "Kyrgyzstan → Tajikistan")
    assert texts(khujand)[1] == "2"
    assert khujand.median_text == "not shown (fewer than 2 accepted)"
    # 3 = 2 waiting + 1 revoked: shown, the total would tell the revoked one.
    assert str(khujand.total) == "not shown"
    first = row(stats.phases, "First assistance and protection")
    assert texts(first) == ["4", "fewer than 2", "2", "fewer than 2", "fewer than 2", "2"]
    assert first.median_text == "25 h"
    # 9 less every shown figure would tell that one referral hides among the
    # small cells: the grand total goes too.
    assert str(stats.network.total) == "not shown"
    assert stats.network.median_text == "25 h"
    outcomes = {str(label): str(figure) for label, figure in stats.outcomes}
    assert outcomes["Services provided as planned"] == "2"
    assert outcomes["Returned home safely"] == "fewer than 2"
    assert str(stats.closed) == "2"


def test_the_page_shows_the_figures_to_a_case_worker(client, several, settings):
    settings.PORTAL_K_ANONYMITY = 2
    response = sign_in(client, several["osh_member"]).get(URL)
    assert response.status_code == 200
    html = section(response)
    assert SECTION in html
    andijan = re.search(r'<tr data-row="Kyrgyzstan → Uzbekistan">.*?</tr>', html, re.S).group(0)
    assert ">25 h<" in andijan and ">2<" in andijan
    assert "Services provided as planned" in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_long_wait_reads_in_days(world, settings):
    settings.PORTAL_K_ANONYMITY = 2
    for hours in (50, 70):
        _times(lifecycle.accept(world["andijan_member"], to_andijan(world)), hours)
    stats = referral_statistics()
    assert row(stats.corridors, "Kyrgyzstan → Uzbekistan").median_text == "2.5 d"


def test_with_the_default_k_small_groups_are_not_shown(client, several):
    stats = referral_statistics()
    assert stats.k == 11
    # No corridor has 11 referrals: none is named, they count together.
    assert [corridor.label for corridor in stats.corridors] == ["Other corridors"]
    rows = (*stats.corridors, *stats.phases)
    assert {str(figure) for r in rows for figure in r.statuses} == {"fewer than 11"}
    assert {str(figure) for _label, figure in stats.outcomes} == {"fewer than 11"}
    # A hidden total reads "not shown" whatever its size: its label tells nothing.
    totals = [r.total for r in rows] + [stats.network.total, *stats.network.statuses]
    assert {str(total) for total in totals} | {str(stats.closed)} == {"not shown"}
    assert stats.network.median_text == "not shown (fewer than 11 accepted)"
    html = section(sign_in(client, several["coordinator"]).get(URL))
    assert "Uzbekistan" not in html and "Tajikistan" not in html
    assert "25 h" not in html
    assert not re.search(r">\s*[0-9]+\s*<", html)  # no figure at all


def test_totals_do_not_give_a_small_figure_back(client, world):
    """Twelve referrals from Osh to Andijan, eleven waiting and one declined:
    the row's total (12) would give the declined one back by subtraction."""
    for _ in range(11):
        to_andijan(world)
    lifecycle.decline(world["andijan_member"], to_andijan(world), "No place.")
    stats = referral_statistics()
    andijan = row(stats.corridors, "Kyrgyzstan → Uzbekistan")
    assert str(andijan.statuses[0]) == "11"  # waiting: a big figure stays
    assert str(andijan.statuses[2]) == "fewer than 11"  # declined
    assert str(andijan.total) == "not shown"
    assert str(stats.network.total) == "not shown"
    assert str(row(stats.phases, "First assistance and protection").total) == "not shown"
    html = section(sign_in(client, world["osh_member"]).get(URL))
    assert ">11<" in html
    assert ">12<" not in html and ">1<" not in html


# --- Who gets them ----------------------------------------------------------------


@pytest.mark.parametrize("person", ["osh_member", "andijan_owner", "third_owner", "coordinator"])
def test_case_workers_and_coordinators_see_the_referral_figures(client, several, person):
    response = sign_in(client, several[person]).get(URL)
    assert response.status_code == 200
    assert SECTION in section(response)


@pytest.mark.parametrize("person", ["osh_observer", "andijan_observer"])
def test_observers_get_no_referral_figures(client, several, person, settings):
    """Observers see no referral anywhere; the page opens (they are of a
    verified member) without the section, and no figure of it."""
    settings.PORTAL_K_ANONYMITY = 2
    response = sign_in(client, several[person]).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert section(response) == ""
    assert SECTION not in body
    assert "Kyrgyzstan → Uzbekistan" not in body and "25 h" not in body
    assert "There are no figures here for your role." in body


def test_people_outside_the_network_are_refused(client, several, settings):
    from tests.factories import OrganisationFactory, UserFactory, make_workspace

    settings.PORTAL_K_ANONYMITY = 2
    pending = UserFactory(organisation=OrganisationFactory(name="Pending NGO", verified=False))
    make_workspace(owner=pending)  # a case worker, but not of the network
    for person in (several["outsider"], pending):
        response = sign_in(client, person).get(URL)
        assert response.status_code == 403
        assert SECTION not in response.content.decode()


def test_an_office_editor_is_refused(client, several):
    from django.contrib.auth.models import Group

    from portal.core.roles import EDITORS
    from tests.factories import UserFactory

    editor = UserFactory(email="editor@example.org", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    response = sign_in(client, editor).get(URL)
    assert response.status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client, several):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_stolen_password_alone_gets_no_figures(client, several):
    from tests.mfa import add_totp

    add_totp(several["osh_member"])
    client.force_login(several["osh_member"])
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/")
    assert SECTION not in client.get(URL, follow=True).content.decode()


def test_the_public_statistics_never_show_referral_figures(client, several):
    """The public page shows releases only; not even a coordinator finds
    referral figures there."""
    assert SECTION not in client.get("/statistics/").content.decode()
    body = sign_in(client, several["coordinator"]).get("/statistics/").content.decode()
    assert SECTION not in body


def test_the_api_serves_no_referral_figures(client, several):
    """The API's statistics are the public releases; no route counts referrals."""
    client.logout()
    assert "eferral" not in client.get("/api/v1/statistics").content.decode()
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert not [path for path in paths if "statistic" in path and "referral" in path]
    assert "eferral" not in str(paths.get("/api/v1/statistics", ""))


def test_a_failing_section_is_left_out_not_shown_unchecked(client, several, caplog):
    def broken(request):
        raise RuntimeError("database gone")

    statistics_sections.register_section("broken", template="missing.html", context=broken)
    try:
        response = sign_in(client, several["osh_member"]).get(URL)
    finally:
        statistics_sections.unregister_section("broken")
    assert response.status_code == 200
    assert SECTION in section(response)
    assert "left out" in caplog.text
