"""A workspace owner's path, in Russian, at desktop and phone width: make a
member a manager (the role control is on screen at 360 px), read it in the
audit log in plain Russian, hand the workspace over to that manager, who then
archives it after the confirmation page."""

import re

import pytest

from portal.members.models import Membership
from tests.browser.journeys.people import open_workspaces, person
from tests.factories import add_member, make_invitation, make_workspace

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def assert_on_screen(journey, locator):
    """A control the person must reach: inside the screen's width, not behind a
    sideways scroll."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    width = journey.page.viewport_size["width"]
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)


def test_owner_changes_a_role_transfers_ownership_and_the_new_owner_archives(journey):
    owner = person("owner@example.org", "Айгуль", "Садыкова", "Общественный фонд «Ош»")
    workspace = make_workspace(owner=owner, name="Ошская группа мониторинга")
    colleague = add_member(
        workspace,
        person("bakyt.toktogulov@example.org", "Бакыт", "Токтогулов", "Центр «Шанс»"),
    )
    # An open invitation: the members page shows its table too.
    make_invitation(workspace, email="zarina.karimova@example.org", actor=owner)
    page = journey.page

    open_workspaces(journey, owner.email)
    page.get_by_role("link", name="Ошская группа мониторинга").first.click()
    page.locator(".workspace-tabs").get_by_role("link", name="Участники").click()
    journey.check("members")
    row = page.locator("tr", has_text="Бакыт Токтогулов")
    role = row.get_by_role("combobox")
    change = row.get_by_role("button", name="Сменить роль")
    remove = row.get_by_role("link", name="Исключить")
    for control in (role, change, remove):
        assert_on_screen(journey, control)
    invitation = page.locator("tr", has_text="zarina.karimova@example.org")
    assert_on_screen(journey, invitation.get_by_role("button", name="Отозвать"))

    # Make the member a manager.
    role.select_option("manager")
    change.click()
    page.wait_for_load_state()
    journey.check("role-changed")
    assert "Руководитель" in page.locator("tr", has_text="Бакыт Токтогулов").inner_text()
    assert Membership.objects.get(workspace=workspace, user=colleague).role == "manager"

    # The audit log says it in Russian.
    page.locator(".workspace-tabs").get_by_role("link", name="Журнал действий").click()
    journey.check("audit-log")
    log = re.sub(r"\s+", " ", page.locator("main table").inner_text())
    assert "Прежняя роль: Участник" in log and "Новая роль: Руководитель" in log

    # Hand the workspace over.
    page.locator(".workspace-tabs").get_by_role("link", name="Участники").click()
    page.get_by_role("link", name="Передать права владельца").click()
    journey.check("transfer")
    page.get_by_label("Новый владелец").select_option(str(colleague.pk))
    page.get_by_role("button", name="Передать", exact=True).click()
    page.wait_for_load_state()
    journey.check("transferred")
    roles = dict(Membership.objects.filter(workspace=workspace).values_list("user", "role"))
    assert roles == {owner.pk: "manager", colleague.pk: "owner"}
    assert "Руководитель" in page.locator(".workspace-header").inner_text()

    # The new owner archives the workspace, after the confirmation page.
    page.context.clear_cookies()
    open_workspaces(journey, colleague.email)
    page.get_by_role("link", name="Ошская группа мониторинга").first.click()
    page.locator(".workspace-tabs").get_by_role("link", name="Настройки").click()
    journey.check("settings")
    page.get_by_role("link", name="Перенести рабочее пространство в архив").click()
    journey.check("archive-confirmation")
    workspace.refresh_from_db()
    assert not workspace.is_archived, "opening the page archives nothing"
    page.get_by_role("button", name="Перенести в архив").click()
    page.wait_for_load_state()
    journey.check("archived")
    workspace.refresh_from_db()
    assert workspace.is_archived
    assert page.locator(".archived-banner").is_visible()
