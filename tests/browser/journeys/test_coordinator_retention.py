"""The network coordinator's part of retention and erasure, in the Wagtail
admin: puts a workspace under legal hold (so the daily purge keeps it), then
records a person's request to erase what an organisation holds about them,
sees when the answer is due, and marks it answered with what was done; the
personal-data guard refuses a phone number typed there first. In Russian, at
1280 and 360 px."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import formats, timezone, translation
from wagtail.users.models import UserProfile

from portal.core.roles import NETWORK_COORDINATORS
from portal.members import retention
from portal.members.models import AuditEvent, SubjectRequest, Workspace
from tests.browser.journey import sign_in
from tests.factories import OrganisationFactory, UserFactory, make_workspace

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

# Wagtail's admin brand (WAGTAIL_SITE_NAME) and keyboard keys in its help;
# the workspace's address (its slug) is data, not interface.
ADMIN_WORDS = ("Network", "Portal", "Esc", "osh-shelter")
ORGANISATION = "Ошский центр помощи мигрантам"
PHONE_TYPED = "Позвонили по тел. +996 555 123 456 и подтвердили удаление."
WHAT_WAS_DONE = "Удалили две записи о случаях и сообщили человеку письменно."


@pytest.fixture
def coordinator(transactional_db):
    person = UserFactory(
        email="coordinator@example.org", first_name="Гульнара", last_name="Осмонова"
    )
    person.groups.add(Group.objects.get(name=NETWORK_COORDINATORS))
    profile = UserProfile.get_for_user(person)
    profile.preferred_language = "ru"
    profile.save()
    organisation = OrganisationFactory(name=ORGANISATION, country="KG", city="Ош", verified=True)
    owner = UserFactory(
        email="owner@example.org", first_name="Бакыт", last_name="Алиев", organisation=organisation
    )
    make_workspace(owner=owner, name="Ош: приют", slug="osh-shelter", organisation=organisation)
    return person


def _save(page):
    page.locator("form[method=post] footer button[type=submit]").first.click()
    page.wait_for_load_state()


def test_coordinator_holds_a_workspace_and_answers_an_erasure_request(journey, coordinator):
    page = journey.page
    sign_in(page, journey.base, coordinator.email)
    journey.goto("/admin/")
    journey.check("admin-home", allowed_words=ADMIN_WORDS)

    # A legal hold on the workspace: ticked in its form, kept after saving.
    journey.open_admin_menu("Сеть", "Рабочие пространства", exact=True)
    assert "Нет" in page.locator("tr", has_text="Ош: приют").inner_text()
    journey.check("workspaces", allowed_words=ADMIN_WORDS)
    page.get_by_role("link", name="Ош: приют").first.click()
    page.wait_for_load_state()
    hold = page.locator("#id_legal_hold")
    assert not hold.is_checked()
    journey.check("workspace-form", allowed_words=ADMIN_WORDS)
    hold.check()
    _save(page)
    # The list says which workspaces the purge must keep, without opening each.
    header = page.locator("main thead").inner_text()
    assert "Запрет на удаление" in header, header
    assert "Да" in page.locator("tr", has_text="Ош: приют").inner_text()
    journey.check("workspace-held", allowed_words=ADMIN_WORDS)
    workspace = Workspace.objects.get(slug="osh-shelter")
    assert workspace.legal_hold
    event = AuditEvent.objects.get(action=retention.LEGAL_HOLD_SET)
    assert (event.actor_email, event.workspace_slug) == ("coordinator@example.org", "osh-shelter")

    page.get_by_role("link", name="Ош: приют").first.click()
    page.wait_for_load_state()
    assert page.locator("#id_legal_hold").is_checked()
    journey.check("workspace-hold-shown", allowed_words=ADMIN_WORDS)

    # A person asked the organisation two days ago to erase what it holds.
    journey.open_admin_menu("Сеть", "Запросы о персональных данных", exact=True)
    journey.check("subject-requests-none", allowed_words=ADMIN_WORDS)
    page.locator("a[href$='/admin/subject_requests/new/']").first.click()
    page.wait_for_load_state()
    received = timezone.localtime() - datetime.timedelta(days=2)
    page.select_option("#id_organisation", label=ORGANISATION)
    page.select_option("#id_kind", "erasure")
    page.fill("#id_received_at", received.strftime("%Y-%m-%d %H:%M"))
    page.keyboard.press("Escape")
    journey.check("subject-request-form", allowed_words=ADMIN_WORDS)
    _save(page)
    request = SubjectRequest.objects.get()
    assert (request.organisation.name, request.kind, request.status) == (
        ORGANISATION,
        "erasure",
        "open",
    )
    due = timezone.localtime(request.due_at)
    assert due.date() == received.date() + datetime.timedelta(days=7)
    row = page.locator("tr", has_text=ORGANISATION)
    listed = row.inner_text()
    with translation.override("ru"):
        due_shown = formats.date_format(due, "DATETIME_FORMAT")
    assert "Открыт" in listed and due_shown in listed, listed
    journey.check("subject-request-recorded", allowed_words=ADMIN_WORDS)

    # What was done: a phone number is refused, saying why; nothing is saved.
    row.get_by_role("link").first.click()
    page.wait_for_load_state()
    page.select_option("#id_status", "answered")
    page.fill("#id_action_taken", PHONE_TYPED)
    _save(page)
    error = page.locator("main").inner_text()
    # The guard's own words, naming what it found (the help text says "phone
    # numbers" on every visit, so that alone would prove nothing).
    assert "«+996 555 123 456» — похоже на номер телефона" in error, error
    request.refresh_from_db()
    assert (request.status, request.action_taken) == ("open", "")
    journey.check("subject-request-phone-refused", allowed_words=ADMIN_WORDS)

    page.fill("#id_action_taken", WHAT_WAS_DONE)
    _save(page)
    request.refresh_from_db()
    assert (request.status, request.action_taken) == ("answered", WHAT_WAS_DONE)
    assert request.closed_at is not None and request.handled_by == coordinator
    assert AuditEvent.objects.filter(action="subject_request.changed").exists()
    assert "Дан ответ" in page.locator("tr", has_text=ORGANISATION).inner_text()
    journey.check("subject-request-answered", allowed_words=ADMIN_WORDS)
