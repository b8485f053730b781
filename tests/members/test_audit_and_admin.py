"""The audit log (owners read their workspace's, the office reads everything
in the Wagtail admin) and the office's management of organisations,
workspaces and memberships, which goes through the permissions module."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import get_perms

from portal.demo.steps.accounts import ensure_site_role_groups
from portal.members import audit
from portal.members import retention as member_retention
from portal.members.models import AuditEvent, Membership, Organisation, Workspace
from portal.members.permissions import ROLE_PERMISSIONS
from tests.factories import OrganisationFactory, UserFactory, make_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(roles):
    """The office's network coordinator (being staff alone grants nothing:
    tests/members/test_separation_of_duties.py)."""
    staff = roles["staff"]
    staff.groups.add(ensure_site_role_groups()["Network coordinators"])
    return staff


def audit_url(workspace, **query):
    from urllib.parse import urlencode

    base = reverse("members:audit_log", kwargs={"slug": workspace.slug})
    return f"{base}?{urlencode(query)}" if query else base


def fresh(user):
    return type(user).objects.get(pk=user.pk)


# --- The workspace's own log ----------------------------------------------------


def test_owner_reads_the_log_of_downloads_and_membership_changes(workspace, roles, as_user):
    stored = make_file(workspace, roles["member"])
    as_user(roles["observer"]).get(
        reverse("members:file_download", kwargs={"slug": workspace.slug, "file_id": stored.pk})
    )
    page = as_user(roles["owner"]).get(audit_url(workspace))
    assert page.status_code == 200
    actions = [e.action for e in page.context["page"]]
    assert actions[0] == audit.FILE_DOWNLOADED
    assert audit.MEMBERSHIP_ADDED in actions and audit.PERMISSION_GRANTED in actions
    assert roles["observer"].email in page.content.decode()


def test_the_log_filters_by_person_action_and_date(workspace, roles, as_user):
    stored = make_file(workspace, roles["member"])
    as_user(roles["observer"]).get(
        reverse("members:file_download", kwargs={"slug": workspace.slug, "file_id": stored.pk})
    )
    client = as_user(roles["owner"])
    by_action = client.get(audit_url(workspace, action=audit.FILE_DOWNLOADED)).context["page"]
    assert [e.actor_email for e in by_action] == [roles["observer"].email]
    by_person = client.get(audit_url(workspace, actor="observer@")).context["page"]
    assert {e.actor_email for e in by_person} == {roles["observer"].email}
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    assert len(client.get(audit_url(workspace, date_from=tomorrow)).context["page"]) == 0
    assert len(client.get(audit_url(workspace, date_from=today, date_to=today)).context["page"]) > 0
    bad = client.get(audit_url(workspace, date_from=tomorrow, date_to=today))
    assert bad.status_code == 400
    assert bad.context["form"].errors


def test_the_log_of_one_workspace_holds_nothing_of_another(workspace, roles, as_user):
    page = as_user(roles["owner"]).get(audit_url(workspace)).context["page"]
    assert {e.workspace_slug for e in page} == {workspace.slug}


@pytest.mark.parametrize("role", ["manager", "member", "observer"])
def test_only_owners_read_the_workspace_log(workspace, roles, as_user, role):
    assert as_user(roles[role]).get(audit_url(workspace)).status_code == 403


# --- The office in the Wagtail admin --------------------------------------------


def test_the_office_reads_the_whole_log_filtered(workspace, roles, office, as_user):
    make_file(workspace, roles["member"])
    client = as_user(office)
    index = reverse("auditevent:index")
    everything = client.get(index)
    assert everything.status_code == 200
    body = everything.content.decode()
    assert "osh-monitoring" in body and "elsewhere" in body
    filtered = client.get(index, {"workspace": workspace.pk, "action": audit.FILE_UPLOADED})
    rows = list(filtered.context["object_list"])
    assert [(e.action, e.workspace_slug) for e in rows] == [(audit.FILE_UPLOADED, "osh-monitoring")]
    by_actor = client.get(index, {"actor_email": "member@"})
    assert {e.actor_email for e in by_actor.context["object_list"]} == {roles["member"].email}
    today = timezone.localdate().isoformat()
    dated = client.get(index, {"at_after": today, "at_before": today})
    assert dated.context["object_list"]


def test_nobody_can_change_or_delete_audit_events_in_the_admin(workspace, office, as_user):
    event = AuditEvent.objects.first()
    admin = UserFactory(is_staff=True, is_superuser=True)
    for person in (office, admin):
        client = as_user(person)
        assert client.get(reverse("auditevent:inspect", args=[event.pk])).status_code == 200
        for name in ("auditevent:edit", "auditevent:delete"):
            response = client.post(reverse(name, args=[event.pk]), {})
            assert response.status_code in (302, 403)
            assert response.status_code == 403 or response.url == "/admin/"
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_members_cannot_open_the_office_pages(workspace, roles, as_user):
    response = as_user(roles["owner"]).get(reverse("auditevent:index"))
    assert response.status_code in (302, 403)


def test_office_adds_a_membership_and_the_permissions_follow_on_the_record(
    workspace, roles, office, as_user
):
    person = UserFactory(email="newcomer@example.org")
    response = as_user(office).post(
        reverse("membership:add"), {"workspace": workspace.pk, "user": person.pk, "role": "manager"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(workspace=workspace, user=person).role == "manager"
    assert set(get_perms(person, workspace)) == set(ROLE_PERMISSIONS["manager"])
    added = AuditEvent.objects.get(action=audit.MEMBERSHIP_ADDED, target_id=str(person.pk))
    assert added.actor == office and added.details["via"] == "admin"


def test_office_changes_a_role_and_revokes_what_it_no_longer_allows(
    workspace, roles, office, as_user
):
    membership = Membership.objects.get(workspace=workspace, user=roles["manager"])
    as_user(office).post(reverse("membership:edit", args=[membership.pk]), {"role": "observer"})
    membership.refresh_from_db()
    assert membership.role == "observer"
    assert not fresh(roles["manager"]).has_perm("members.moderate_workspace", workspace)
    assert AuditEvent.objects.filter(action=audit.PERMISSION_REVOKED, actor=office).exists()


def test_office_cannot_demote_the_last_owner(workspace, roles, office, as_user):
    membership = Membership.objects.get(workspace=workspace, user=roles["owner"])
    response = as_user(office).post(
        reverse("membership:edit", args=[membership.pk]), {"role": "member"}
    )
    assert response.status_code == 200
    assert "needs an owner" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == "owner"


def test_office_removes_a_membership_and_access_goes(workspace, roles, office, as_user):
    membership = Membership.objects.get(workspace=workspace, user=roles["member"])
    as_user(office).post(reverse("membership:delete", args=[membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert not fresh(roles["member"]).has_perm("members.view_workspace", workspace)
    assert AuditEvent.objects.filter(action=audit.MEMBERSHIP_REMOVED, actor=office).exists()


def test_office_cannot_remove_the_last_owner(workspace, roles, office, as_user):
    membership = Membership.objects.get(workspace=workspace, user=roles["owner"])
    response = as_user(office).post(reverse("membership:delete", args=[membership.pk]), follow=True)
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert "needs an owner" in response.content.decode()


def test_office_creates_a_workspace_with_its_first_owner(roles, office, as_user):
    owner = UserFactory(email="first.owner@example.org")
    response = as_user(office).post(
        reverse("workspace:add"),
        {
            "slug": "new-space",
            "name": "New space",
            "description": "",
            "visibility": "private",
            "owner": owner.pk,
        },
    )
    assert response.status_code == 302
    workspace = Workspace.objects.get(slug="new-space")
    assert Membership.objects.get(workspace=workspace).user == owner
    assert fresh(owner).has_perm("members.administer_workspace", workspace)
    assert AuditEvent.objects.filter(
        action=audit.WORKSPACE_CREATED, workspace=workspace, actor=office
    ).exists()


def test_office_archives_and_restores_a_workspace_on_the_record(workspace, office, as_user):
    client = as_user(office)
    data = {"name": workspace.name, "description": "", "visibility": "private", "archived": "on"}
    client.post(reverse("workspace:edit", args=[workspace.pk]), data)
    workspace.refresh_from_db()
    assert workspace.is_archived
    data.pop("archived")
    client.post(reverse("workspace:edit", args=[workspace.pk]), data)
    workspace.refresh_from_db()
    assert not workspace.is_archived
    actions = set(
        AuditEvent.objects.filter(workspace=workspace, actor=office).values_list(
            "action", flat=True
        )
    )
    assert {audit.WORKSPACE_ARCHIVED, audit.WORKSPACE_RESTORED} <= actions


def test_workspaces_are_never_deleted_from_the_admin(workspace, office, as_user):
    admin = UserFactory(is_staff=True, is_superuser=True)
    for person in (office, admin):
        as_user(person).post(reverse("workspace:delete", args=[workspace.pk]))
    assert Workspace.objects.filter(pk=workspace.pk).exists()


def test_office_verifies_an_organisation_on_the_record(office, as_user):
    organisation = OrganisationFactory(name="New NGO", verified=False)
    response = as_user(office).post(
        reverse("organisation:edit", args=[organisation.pk]),
        {"name": "New NGO", "country": "KG", "city": "Osh", "verified": "on"},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.verified
    event = AuditEvent.objects.get(action=audit.ORGANISATION_CHANGED)
    assert event.details == {"fields": ["verified"], "verified": True}
    assert Organisation.objects.count() >= 1


def test_adding_an_existing_member_in_the_admin_is_refused_with_a_message(
    workspace, roles, office, as_user
):
    response = as_user(office).post(
        reverse("membership:add"),
        {"workspace": workspace.pk, "user": roles["member"].pk, "role": "owner"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Membership.objects.get(workspace=workspace, user=roles["member"]).role == "member"


def test_office_sets_and_lifts_a_legal_hold_on_the_record(workspace, office, as_user):
    client = as_user(office)
    data = {"name": workspace.name, "description": "", "visibility": "private", "legal_hold": "on"}
    client.post(reverse("workspace:edit", args=[workspace.pk]), data)
    workspace.refresh_from_db()
    assert workspace.legal_hold
    data.pop("legal_hold")
    client.post(reverse("workspace:edit", args=[workspace.pk]), data)
    workspace.refresh_from_db()
    assert not workspace.legal_hold
    actions = list(
        AuditEvent.objects.filter(workspace=workspace, actor=office)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == [member_retention.LEGAL_HOLD_SET, member_retention.LEGAL_HOLD_LIFTED]


def test_staff_with_workspace_rights_but_not_coordinators_cannot_set_a_legal_hold(
    workspace, as_user
):
    """A model permission given by mistake does not reach the hold: it is the
    coordinators' decision, and the rest of the form is not saved either."""
    from django.contrib.auth.models import Permission

    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=("access_admin", "change_workspace", "view_workspace")
        )
    )
    data = {"name": "Renamed", "description": "", "visibility": "private", "legal_hold": "on"}
    response = as_user(staff).post(reverse("workspace:edit", args=[workspace.pk]), data)
    assert response.status_code == 200
    assert "legal_hold" in response.context["form"].errors
    workspace.refresh_from_db()
    assert not workspace.legal_hold
    assert workspace.name != "Renamed"
