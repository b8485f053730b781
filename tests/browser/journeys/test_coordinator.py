"""The office's network coordinator runs the network in the Wagtail admin:
adds and edits a member organisation, adds a person to a workspace, and reads
the audit log that recorded both, in Russian, at 1280 and 360 px."""

import pytest
from django.contrib.auth.models import Group
from wagtail.users.models import UserProfile

from portal.core.roles import NETWORK_COORDINATORS
from portal.members.models import Membership, Organisation
from tests.browser.journey import sign_in
from tests.factories import UserFactory, make_workspace

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

# Wagtail's admin brand (WAGTAIL_SITE_NAME) and keyboard keys in its help.
ADMIN_WORDS = ("Network", "Portal", "Esc")


@pytest.fixture
def network(transactional_db):
    coordinator = UserFactory(
        email="coordinator@example.org", first_name="Гульнара", last_name="Осмонова"
    )
    coordinator.groups.add(Group.objects.get(name=NETWORK_COORDINATORS))
    profile = UserProfile.get_for_user(coordinator)
    profile.preferred_language = "ru"
    profile.save()
    owner = UserFactory(email="owner@example.org", first_name="Бакыт", last_name="Алиев")
    workspace = make_workspace(owner=owner, name="Мониторинг в Оше", slug="osh-monitoring")
    newcomer = UserFactory(email="aziza@example.org", first_name="Азиза", last_name="Каримова")
    return coordinator, workspace, newcomer


def _open(journey, menu, item):
    """The admin's side menu: on a phone it opens from its toggle first."""
    page = journey.page
    toggle = page.locator(
        "button[aria-label][aria-expanded='false'].sidebar__collapse-toggle, "
        "button[data-sidebar-toggle], .sidebar-nav-toggle"
    )
    if journey.device == "phone" and toggle.count() and toggle.first.is_visible():
        toggle.first.click()
    page.get_by_role("button", name=menu).first.click()
    page.get_by_role("link", name=item).first.click()
    page.wait_for_load_state()


def test_coordinator_manages_organisations_and_memberships_and_reads_the_audit_log(
    journey, network
):
    coordinator, workspace, newcomer = network
    page = journey.page
    sign_in(page, journey.base, coordinator.email)
    journey.goto("/admin/")
    page.wait_for_timeout(800)  # Wagtail's message banner fades in
    journey.check("admin-home", allowed_words=ADMIN_WORDS)

    _open(journey, "Сеть", "Организации")
    journey.check("organisations", allowed_words=ADMIN_WORDS)
    page.locator(
        "a[href$='/admin/organisation/new/'], a[href$='/admin/organisation/add/']"
    ).first.click()
    page.wait_for_load_state()
    page.fill("#id_name", "Ошский кризисный центр")
    page.select_option("#id_country", "KG")
    page.fill("#id_city", "Ош")
    page.check("#id_verified")
    journey.check("organisation-form", allowed_words=ADMIN_WORDS)
    page.locator("form[method=post] footer button[type=submit]").first.click()
    page.wait_for_load_state()
    page.wait_for_timeout(800)  # Wagtail's message banner fades in
    journey.check("organisation-created", allowed_words=ADMIN_WORDS)
    assert Organisation.objects.get(name="Ошский кризисный центр").verified

    page.get_by_role("link", name="Ошский кризисный центр").first.click()
    page.wait_for_load_state()
    page.fill("#id_city", "Ош, Кара-Суу")
    page.locator("form[method=post] footer button[type=submit]").first.click()
    page.wait_for_load_state()
    page.wait_for_timeout(800)  # Wagtail's message banner fades in
    journey.check("organisation-edited", allowed_words=ADMIN_WORDS)
    assert Organisation.objects.get(name="Ошский кризисный центр").city == "Ош, Кара-Суу"

    _open(journey, "Сеть", "Участие в рабочих пространствах")
    journey.check("memberships", allowed_words=ADMIN_WORDS)
    page.locator(
        "a[href$='/admin/membership/new/'], a[href$='/admin/membership/add/']"
    ).first.click()
    page.wait_for_load_state()
    page.select_option("#id_workspace", str(workspace.pk))
    page.select_option("#id_user", str(newcomer.pk))
    page.select_option("#id_role", "member")
    journey.check("membership-form", allowed_words=ADMIN_WORDS)
    page.locator("form[method=post] footer button[type=submit]").first.click()
    page.wait_for_load_state()
    page.wait_for_timeout(800)  # Wagtail's message banner fades in
    journey.check("membership-added", allowed_words=ADMIN_WORDS)
    assert Membership.objects.filter(workspace=workspace, user=newcomer, role="member").exists()

    _open(journey, "Сеть", "Журнал действий")
    log = page.locator("main").inner_text()
    assert "aziza@example.org" in log or "Мониторинг" in log or "osh-monitoring" in log
    assert "coordinator@example.org" in log
    # A workspace's address (its slug) is data, not interface.
    journey.check("audit-log", allowed_words=(*ADMIN_WORDS, "osh-monitoring"))
