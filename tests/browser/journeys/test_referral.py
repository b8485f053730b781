"""A referral from Osh to Andijan and back, in Russian, at desktop and phone
width (issue 16): the Osh case worker refers a case from the report, is
refused without consent, records it and sends; the Andijan case worker
accepts, writes in the thread, records a follow-up step and closes with an
outcome; Osh sees it closed. And revoking ends the recipient's access at
once: the page Andijan has open answers 404 on reload."""

import datetime

import pytest

from portal.referrals import lifecycle
from portal.referrals.models import Referral
from tests.browser.journey import Journey
from tests.browser.journeys.people import open_workspaces
from tests.factories import OrganisationFactory, UserFactory, add_member, make_workspace
from tests.referrals.builders import CONSENT_ALL, make_provider, untranslated_words
from tests.reports.factories import add_cases, make_report

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

NEEDS = "Безопасное жильё на две недели и консультации психолога на узбекском языке."


def _world():
    osh_org = OrganisationFactory(name="Общественный фонд «Ош»", country="KG", verified=True)
    andijan_org = OrganisationFactory(name="Андижанский приют", country="UZ", verified=True)
    osh_worker = UserFactory(
        email="aigul@example.org", first_name="Айгуль", last_name="Садыкова", organisation=osh_org
    )
    osh = make_workspace(owner=osh_worker, name="Ошские случаи", organisation=osh_org)
    andijan_owner = UserFactory(
        email="dilnoza@example.org",
        first_name="Дилноза",
        last_name="Каримова",
        organisation=andijan_org,
    )
    andijan = make_workspace(owner=andijan_owner, name="Андижан: приём", organisation=andijan_org)
    andijan_worker = add_member(
        andijan,
        UserFactory(
            email="bakyt@example.org",
            first_name="Бахтиёр",
            last_name="Юсупов",
            organisation=andijan_org,
        ),
        "member",
    )
    report = make_report(
        osh,
        author=osh_worker,
        title="Случаи первого квартала",
        region="Ошская область",
        summary="Случаи, выявленные на стройках и рынках.",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 3, 31),
    )
    (case,) = add_cases(report, citizenship="UZ", gender="Female", age_band="18--20")
    provider = make_provider(
        organisation=andijan_org,
        name="",
        services=["shelter", "psychological"],
        country="UZ",
        city="Андижан",
        languages=["uz", "ru"],
        accepts_referrals=True,
        receiving_workspace=andijan,
    )
    return {
        "osh": osh,
        "andijan": andijan,
        "osh_worker": osh_worker,
        "andijan_worker": andijan_worker,
        "report": report,
        "case": case,
        "provider": provider,
    }


def _switch_to(journey, email):
    """Another person at another computer: no cookies from the last one."""
    journey.page.context.clear_cookies()
    open_workspaces(journey, email)


def _open_referrals(journey, workspace_name):
    page = journey.page
    page.get_by_role("link", name=workspace_name).first.click()
    page.locator(".workspace-tabs").get_by_role("link", name="Перенаправления").click()
    page.wait_for_load_state()


def test_a_referral_goes_from_osh_to_andijan_and_back(journey):
    world = _world()
    words = untranslated_words()
    page = journey.page

    # Osh: from the report's case row to the referral form.
    open_workspaces(journey, world["osh_worker"].email)
    page.get_by_role("link", name="Ошские случаи").first.click()
    page.locator(".workspace-tabs").get_by_role("link", name="Отчёты").click()
    page.get_by_role("link", name="Случаи первого квартала").click()
    # The report page offers an export to Excel: a product's name.
    journey.check("report", allowed_words=(*words, "Excel"))
    page.get_by_role("link", name="Перенаправить случай").first.click()
    page.wait_for_url("**/referrals/new/*/")
    journey.check("referral-form", allowed_words=words)

    page.select_option("#id_provider", str(world["provider"].pk))
    page.check("input[name=services][value=shelter]")
    page.check("input[name=services][value=psychological]")
    page.select_option("#id_phase", "first_assistance")
    page.check("input[name=urgency][value=urgent]")
    page.check("input[name=languages][value=uz]")
    page.fill("#id_needs", NEEDS)
    page.fill("#id_sender_contact", "По будням с 9 до 18, через переписку на портале.")
    page.check("input[name=data_categories][value=profile]")

    # Without consent: refused, with the reason, nothing lost.
    with journey.expecting(400, r"/referrals/new/"):
        page.get_by_role("button", name="Отправить перенаправление").click()
    journey.check("refused-without-consent", allowed_words=words)
    assert page.get_by_text("Без согласия человека перенаправление не отправляется").is_visible()
    assert page.input_value("#id_needs") == NEEDS
    assert not Referral.objects.exists()

    # With the person's consent recorded: sent.
    page.check("#id_consent_given")
    page.select_option("#id_consent_given_by", "person")
    page.fill("#id_consent_date", datetime.date.today().isoformat())
    page.select_option("#id_consent_method", "written")
    page.check("input[name=consent_services][value=shelter]")
    page.check("input[name=consent_services][value=psychological]")
    page.check("input[name=consent_data][value=profile]")
    page.get_by_role("button", name="Отправить перенаправление").click()
    page.wait_for_url("**/referrals/*/")
    journey.check("sent", allowed_words=words)
    referral = Referral.objects.get()
    assert referral.status == "pending" and referral.consent_given
    assert page.get_by_text("Ожидает ответа").first.is_visible()

    # Andijan: the Referrals tab, the referral, accepted, a message.
    _switch_to(journey, world["andijan_worker"].email)
    _open_referrals(journey, "Андижан: приём")
    journey.check("received-list", allowed_words=words)
    page.get_by_role("link", name=referral.reference).click()
    journey.check("received", allowed_words=words)
    main = page.locator("main").inner_text()
    assert NEEDS in main and "aigul@example.org" in main
    page.get_by_role("button", name="Принять перенаправление").click()
    page.wait_for_load_state()
    journey.check("accepted", allowed_words=words)
    page.fill("#id_body", "Место в приюте готово, ждём в понедельник.")
    page.get_by_role("button", name="Отправить сообщение").click()
    page.wait_for_load_state()
    journey.check("andijan-wrote", allowed_words=words)

    # Osh replies.
    _switch_to(journey, world["osh_worker"].email)
    _open_referrals(journey, "Ошские случаи")
    page.get_by_role("link", name=referral.reference).click()
    assert page.get_by_text("Место в приюте готово, ждём в понедельник.").is_visible()
    page.fill("#id_body", "Спасибо, сопроводим её до Андижана.")
    page.get_by_role("button", name="Отправить сообщение").click()
    page.wait_for_load_state()
    journey.check("osh-replied", allowed_words=words)

    # Andijan: a follow-up step, then closure with the outcome.
    _switch_to(journey, world["andijan_worker"].email)
    _open_referrals(journey, "Андижан: приём")
    page.get_by_role("link", name=referral.reference).click()
    assert page.get_by_text("Спасибо, сопроводим её до Андижана.").is_visible()
    page.select_option("#id_kind", "service")
    page.select_option("#id_service", "shelter")
    page.fill("#id_note", "Две недели в приюте, консультации психолога.")
    page.get_by_role("button", name="Записать шаг").click()
    page.wait_for_load_state()
    journey.check("step-recorded", allowed_words=words)
    page.select_option("#id_outcome", "completed")
    page.get_by_role("button", name="Закрыть перенаправление").click()
    page.wait_for_load_state()
    journey.check("closed", allowed_words=words)
    assert Referral.objects.get().status == "closed"

    # Osh sees it closed, with the outcome.
    _switch_to(journey, world["osh_worker"].email)
    _open_referrals(journey, "Ошские случаи")
    row = page.locator(f"#referral-{referral.pk}")
    assert "Закрыт" in row.inner_text()
    row.get_by_role("link", name=referral.reference).click()
    journey.check("osh-sees-closed", allowed_words=words)
    assert page.get_by_text("Услуги оказаны, как планировалось").is_visible()


def test_revoking_ends_the_recipients_access_at_once(journey, live_server, screenshot):
    world = _world()
    words = untranslated_words()
    referral = lifecycle.send(
        world["osh_worker"],
        world["case"],
        world["provider"],
        lifecycle.Request(
            services=("shelter",), phase="first_assistance", urgency="immediate", needs=NEEDS
        ),
        lifecycle.Consent(date=datetime.date.today(), **CONSENT_ALL),
    )
    page = journey.page

    # Andijan has the referral open.
    open_workspaces(journey, world["andijan_worker"].email)
    _open_referrals(journey, "Андижан: приём")
    page.get_by_role("link", name=referral.reference).click()
    journey.check("andijan-open", allowed_words=words)

    # Osh, at another computer, revokes it with a reason.
    context = page.context.browser.new_context(
        locale="ru-RU", viewport=page.viewport_size, is_mobile=journey.device == "phone"
    )
    try:
        osh = Journey(context.new_page(), live_server.url, screenshot, f"{journey.device}-osh")
        open_workspaces(osh, world["osh_worker"].email)
        _open_referrals(osh, "Ошские случаи")
        osh.page.get_by_role("link", name=referral.reference).click()
        osh.check("osh-open", allowed_words=words)
        osh.page.fill("#revoke textarea[name=reason]", "Человек выбрал другой приют.")
        osh.page.get_by_role("button", name="Отозвать перенаправление").click()
        osh.page.wait_for_load_state()
        osh.check("osh-revoked", allowed_words=words)
        assert osh.page.get_by_text("Отозвано отправителем").first.is_visible()
    finally:
        context.close()

    # Andijan reloads: gone at once.
    with journey.expecting(404, rf"/referrals/{referral.pk}/"):
        response = page.reload()
    assert response.status == 404
    journey.check("andijan-gone", allowed_words=words)
    assert NEEDS not in page.locator("body").inner_text()
