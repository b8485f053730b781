"""Separation of duties (issue 10, deliverable 6), tried from the attacker's
side: the page editor (group Editors) and a staff account without a group must
get nothing from the Network admin (organisations, workspaces, memberships,
audit log, API tokens), whatever URL they try; network coordinators run the
network, and a coordinator who lets themselves into a workspace is shown to
its owners at once (mail, activity stream, audit log)."""

import io
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import get_resolver, reverse
from django.utils import timezone

from portal.api.models import ApiToken
from portal.api.tokens import issue_token
from portal.core import audit_actions
from portal.core.audience import NETWORK, audiences_for
from portal.core.roles import EDITORS, NETWORK_COORDINATORS, is_editor, is_network_coordinator
from portal.demo.context import DemoContext
from portal.demo.steps.accounts import load_accounts
from portal.members import audit
from portal.members.audience import is_network_member
from portal.members.models import (
    Activity,
    AuditEvent,
    Membership,
    Organisation,
    Verb,
    Workspace,
)
from portal.members.permissions import VERB_COORDINATOR_SELF_ADDED
from tests.factories import OrganisationFactory, UserFactory
from tests.members.matrix import iter_urls

pytestmark = pytest.mark.django_db

# The Network admin of the members app and the API token admin of the api app.
NETWORK_ADMIN_NAMESPACES = ("organisation", "workspace", "membership", "auditevent", "api_tokens")


def in_group(user, name):
    user.groups.add(Group.objects.get(name=name))
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def editor():
    return in_group(UserFactory(email="page.editor@example.org", is_staff=True), EDITORS)


@pytest.fixture
def coordinator():
    return in_group(
        UserFactory(email="coordinator@example.org", is_staff=True), NETWORK_COORDINATORS
    )


@pytest.fixture
def network_objects(workspace, roles, coordinator):
    organisation = OrganisationFactory(name="Some NGO")
    token, _raw = issue_token(
        name="Partner",
        organisation=organisation,
        scopes=["statistics:read"],
        expires_at=timezone.now() + timedelta(days=30),
        actor=coordinator,
    )
    return {
        "organisation": organisation,
        "workspace": workspace,
        "membership": Membership.objects.get(workspace=workspace, user=roles["member"]),
        "auditevent": AuditEvent.objects.filter(workspace=workspace).first(),
        "api_tokens": token,
    }


def network_admin_urls(objects):
    """Every URL of the Network and API-token admin, filled in with a real row."""
    urls = []
    for url in iter_urls(get_resolver()):
        namespace = (url.name or "").split(":")[0]
        if namespace not in NETWORK_ADMIN_NAMESPACES:
            continue
        kwargs = {"pk": objects[namespace].pk} if "pk" in url.kwarg_names else {}
        urls.append(reverse(url.name, kwargs=kwargs))
    return urls


def snapshot():
    return {
        "memberships": sorted(Membership.objects.values_list("workspace_id", "user_id", "role")),
        "workspaces": sorted(Workspace.objects.values_list("slug", "name", "archived_at")),
        "organisations": sorted(Organisation.objects.values_list("name", "verified")),
        "tokens": sorted(ApiToken.objects.values_list("name", "revoked_at")),
        "audit": AuditEvent.objects.count(),
    }


def assert_refused(response, path):
    """Wagtail answers a refusal with 403, or sends the person away (to the
    dashboard with "no permission", or to the admin login): never the page."""
    assert response.status_code in (302, 403), (path, response.status_code)
    if response.status_code == 302:
        target = urlparse(response.url).path
        assert target in ("/admin/", "/admin/login/", "/accounts/login/"), (path, response.url)


@pytest.mark.parametrize("who", ["editor", "bare_staff"])
def test_editor_and_staff_without_group_are_refused_every_network_admin_url(
    request, who, network_objects, as_user, roles
):
    person = (
        request.getfixturevalue("editor")
        if who == "editor"
        else UserFactory(email="staff.only@example.org", is_staff=True)
    )
    urls = network_admin_urls(network_objects)
    # list, create, edit, delete, inspect, history, audit log, revoke: all of them.
    assert len(urls) >= 35
    assert reverse("auditevent:index") in urls and reverse("membership:add") in urls
    client = as_user(person)
    before = snapshot()
    workspace = network_objects["workspace"]
    harmful = {
        "workspace": workspace.pk,
        "user": person.pk,
        "role": "owner",
        "name": "Taken over",
        "slug": "taken-over",
        "visibility": "network",
        "owner": person.pk,
        "country": "KG",
        "city": "Osh",
        "verified": "on",
        "scopes": ["cases:anonymised"],
        "expires_at": (timezone.now() + timedelta(days=5)).strftime("%Y-%m-%d %H:%M"),
    }
    for path in urls:
        page = client.get(path)
        assert_refused(page, path)
        assert b"Taken over" not in page.content
        assert_refused(client.post(path, harmful), path)
    after = snapshot()
    # Refusals write nothing: no membership, no change, not even an audit row.
    assert after == before
    assert not Membership.objects.filter(user=person).exists()


def test_editor_cannot_add_themselves_to_a_workspace(editor, workspace, as_user):
    response = as_user(editor).post(
        reverse("membership:add"), {"workspace": workspace.pk, "user": editor.pk, "role": "owner"}
    )
    assert_refused(response, "membership:add")
    assert not Membership.objects.filter(user=editor).exists()


def test_editor_still_publishes_pages_images_documents_and_hotlines(editor, as_user):
    client = as_user(editor)
    for path in ("/admin/", "/admin/pages/", "/admin/images/", "/admin/documents/"):
        assert client.get(path).status_code == 200, path
    assert editor.has_perm("home.change_hotline") and editor.has_perm("home.add_hotline")
    assert editor.has_perm("wagtailadmin.access_admin")
    assert not editor.has_perm("members.add_membership")
    assert not editor.has_perm("members.view_auditevent")
    assert not editor.has_perm("api.add_apitoken")


def test_editors_and_bare_staff_are_not_network_members(editor):
    staff = UserFactory(is_staff=True)
    for person in (editor, staff):
        assert not is_network_member(person)
        assert NETWORK not in audiences_for(person)
    assert is_editor(editor) and not is_network_coordinator(editor)


def test_editor_sees_no_network_directory(editor, as_user):
    response = as_user(editor).get(reverse("members:network_directory"))
    assert response.status_code in (403, 404)


def test_coordinator_runs_the_network_admin(coordinator, network_objects, as_user):
    client = as_user(coordinator)
    for name in (
        "organisation:index",
        "workspace:index",
        "membership:index",
        "auditevent:index",
        "api_tokens:index",
        "membership:add",
    ):
        assert client.get(reverse(name)).status_code == 200, name
    assert is_network_member(coordinator) and NETWORK in audiences_for(coordinator)
    # Still never: deleting a workspace, editing or deleting the audit log.
    event = network_objects["auditevent"]
    for name, pk in (
        ("workspace:delete", network_objects["workspace"].pk),
        ("auditevent:edit", event.pk),
        ("auditevent:delete", event.pk),
    ):
        assert_refused(client.post(reverse(name, args=[pk])), name)
    assert Workspace.objects.filter(pk=network_objects["workspace"].pk).exists()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_coordinator_adds_a_membership(coordinator, workspace, as_user):
    person = UserFactory(email="newcomer@example.org")
    response = as_user(coordinator).post(
        reverse("membership:add"), {"workspace": workspace.pk, "user": person.pk, "role": "member"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(workspace=workspace, user=person).role == "member"


def test_coordinator_adding_themselves_is_shown_to_the_owners_at_once(
    coordinator, workspace, roles, as_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(coordinator).post(
            reverse("membership:add"),
            {"workspace": workspace.pk, "user": coordinator.pk, "role": "observer"},
        )
    assert response.status_code == 302
    assert Membership.objects.filter(workspace=workspace, user=coordinator).exists()

    owner_mail = [m for m in mail.outbox if m.to == [roles["owner"].email]]
    assert len(owner_mail) == 1
    assert "added themselves" in owner_mail[0].subject
    assert coordinator.email in owner_mail[0].body and "Osh monitoring" in owner_mail[0].body
    assert f"/workspaces/{workspace.slug}/members/" in owner_mail[0].body
    # Only owners are told; the coordinator is not mailed about themselves.
    assert {tuple(m.to) for m in mail.outbox} == {(roles["owner"].email,)}

    entry = Activity.objects.get(workspace=workspace, actor=coordinator)
    assert entry.verb == VERB_COORDINATOR_SELF_ADDED
    event = AuditEvent.objects.get(action=audit.COORDINATOR_SELF_ADDED, workspace=workspace)
    assert event.actor == coordinator and event.details["role"] == "observer"
    assert str(audit_actions.label(event.action)) == "Network coordinator added themselves"

    # The owner sees it on the workspace's overview and in its audit log.
    client = as_user(roles["owner"])
    overview = client.get(f"/workspaces/{workspace.slug}/").content.decode()
    assert "added themselves to the workspace (network coordinator)" in overview
    log = client.get(reverse("members:audit_log", kwargs={"slug": workspace.slug}))
    assert "Network coordinator added themselves" in log.content.decode()


def test_coordinator_raising_their_own_role_is_shown_too(
    coordinator, workspace, as_user, django_capture_on_commit_callbacks
):
    from tests.factories import add_member

    add_member(workspace, coordinator, "observer")
    membership = Membership.objects.get(workspace=workspace, user=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        as_user(coordinator).post(
            reverse("membership:edit", args=[membership.pk]), {"role": "manager"}
        )
    assert Membership.objects.get(pk=membership.pk).role == "manager"
    event = AuditEvent.objects.get(action=audit.COORDINATOR_SELF_ADDED)
    assert event.details["previous"] == "observer" and event.details["role"] == "manager"
    assert len(mail.outbox) == 1 and "added themselves" in mail.outbox[0].subject


def test_coordinator_adding_someone_else_does_not_say_themselves(
    coordinator, workspace, as_user, django_capture_on_commit_callbacks
):
    person = UserFactory(email="newcomer@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        as_user(coordinator).post(
            reverse("membership:add"),
            {"workspace": workspace.pk, "user": person.pk, "role": "member"},
        )
    assert not AuditEvent.objects.filter(action=audit.COORDINATOR_SELF_ADDED).exists()
    assert not any("themselves" in m.subject + m.body for m in mail.outbox)
    assert Activity.objects.get(workspace=workspace, actor=person).verb == Verb.MEMBER_JOINED
    assert not Activity.objects.filter(verb=VERB_COORDINATOR_SELF_ADDED).exists()


def test_demo_has_an_editor_only_and_a_coordinator(settings):
    ctx = DemoContext(password=settings.DEMO_PASSWORD, stdout=io.StringIO(), style=None)
    load_accounts(ctx)
    load_accounts(ctx)  # idempotent
    users = ctx.made["users"]
    editor, coordinator = users["editor@example.org"], users["coordinator@example.org"]
    assert [g.name for g in editor.groups.all()] == [EDITORS]
    assert [g.name for g in coordinator.groups.all()] == [NETWORK_COORDINATORS]
    assert not editor.is_superuser and not coordinator.is_superuser
    assert coordinator.check_password(settings.DEMO_PASSWORD)
    assert not is_network_coordinator(editor) and not is_network_member(editor)
    assert is_network_coordinator(coordinator)
    assert not editor.has_perm("members.add_membership")
    assert coordinator.has_perm("members.add_membership")


def test_the_roles_migration_is_idempotent_and_folds_office_editors_into_editors():
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    migration = importlib.import_module("portal.members.migrations.0005_site_roles")
    state_apps = MigrationLoader(connection).project_state(("members", "0005_site_roles")).apps
    old_editor = UserFactory(email="old.editor@example.org", is_staff=True)
    old_editor.groups.add(Group.objects.create(name="Office editors"))
    editors = Group.objects.get(name=EDITORS)
    # Someone once gave the page editors network rights: the migration takes them back.
    from django.contrib.auth.models import Permission

    editors.permissions.add(Permission.objects.get(codename="add_membership"))

    migration.create_site_roles(state_apps, None)
    first = {
        name: set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        for name in (EDITORS, NETWORK_COORDINATORS)
    }
    migration.create_site_roles(state_apps, None)
    second = {
        name: set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        for name in (EDITORS, NETWORK_COORDINATORS)
    }
    assert first == second
    assert not Group.objects.filter(name="Office editors").exists()
    assert list(old_editor.groups.values_list("name", flat=True)) == [EDITORS]
    assert "add_membership" not in second[EDITORS]
    assert {"add_membership", "view_auditevent", "add_apitoken"} <= second[NETWORK_COORDINATORS]
    assert {"add_hotline", "access_admin"} <= second[EDITORS]
