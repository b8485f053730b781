"""Roles map to object permissions, and only portal.members.permissions changes them."""

import pytest
from django.db import connection, transaction
from django.db.utils import InternalError
from guardian.shortcuts import get_perms

from portal.core.audience import NETWORK, PUBLIC, audiences_for, workspace_token
from portal.members import audit
from portal.members.models import AuditEvent, Membership, Workspace
from portal.members.models.audit import AppendOnlyError
from portal.members.permissions import (
    ROLE_PERMISSIONS,
    PermissionChangeError,
    remove_membership,
    set_membership,
    transfer_ownership,
)
from tests.factories import OrganisationFactory, UserFactory, add_member, make_workspace

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["observer", "member", "manager", "owner"])
def test_role_grants_exactly_its_permissions(role):
    workspace = make_workspace()
    user = add_member(workspace, role=role)
    assert set(get_perms(user, workspace)) == set(ROLE_PERMISSIONS[role])
    for codename in ROLE_PERMISSIONS[role]:
        assert user.has_perm(f"members.{codename}", workspace)


def test_changing_the_role_regrants_and_is_audited():
    workspace = make_workspace()
    owner = workspace.memberships.get().user
    user = add_member(workspace, role="manager")
    assert user.has_perm("members.moderate_workspace", workspace)

    set_membership(workspace, user, "observer", actor=owner)
    user = type(user).objects.get(pk=user.pk)  # fresh permission cache
    assert not user.has_perm("members.moderate_workspace", workspace)
    assert not user.has_perm("members.contribute_workspace", workspace)
    assert user.has_perm("members.view_workspace", workspace)
    actions = list(
        AuditEvent.objects.filter(workspace=workspace, target_id=str(user.pk)).values_list(
            "action", flat=True
        )
    )
    assert audit.ROLE_CHANGED in actions
    assert actions.count(audit.PERMISSION_REVOKED) == 2


def test_removed_member_loses_access_at_once():
    workspace = make_workspace()
    user = add_member(workspace)
    assert workspace in Workspace.objects.for_user(user)
    remove_membership(workspace, user, actor=None)
    assert workspace not in Workspace.objects.for_user(user)
    assert workspace_token(workspace) not in audiences_for(user)


def test_last_owner_cannot_leave_or_be_demoted():
    workspace = make_workspace()
    owner = workspace.memberships.get().user
    with pytest.raises(PermissionChangeError):
        remove_membership(workspace, owner, actor=owner)
    with pytest.raises(PermissionChangeError):
        set_membership(workspace, owner, "member", actor=owner)


def test_transfer_ownership_makes_the_old_owner_a_manager():
    workspace = make_workspace()
    owner = workspace.memberships.get().user
    heir = add_member(workspace, role="member")
    transfer_ownership(workspace, heir, actor=owner)
    roles = dict(Membership.objects.filter(workspace=workspace).values_list("user_id", "role"))
    assert roles == {owner.pk: "manager", heir.pk: "owner"}


def test_for_user_lists_only_own_workspaces():
    mine = make_workspace()
    other = make_workspace()
    user = add_member(mine, role="observer")
    assert list(Workspace.objects.for_user(user)) == [mine]
    assert other not in Workspace.objects.for_user(user)


def test_audiences():
    workspace = make_workspace()
    verified_org = OrganisationFactory(verified=True)
    unverified_org = OrganisationFactory(verified=False)
    member = add_member(workspace, UserFactory(organisation=verified_org))
    stranger = UserFactory(organisation=unverified_org)

    from django.contrib.auth.models import AnonymousUser

    assert audiences_for(AnonymousUser()) == {PUBLIC}
    assert audiences_for(stranger) == {PUBLIC}
    assert audiences_for(member) == {PUBLIC, NETWORK, workspace_token(workspace)}


def test_audit_events_are_append_only_in_python():
    event = audit.record(None, audit.WORKSPACE_CREATED)
    event.action = "something.else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(action="x")


def test_audit_events_are_append_only_in_postgresql():
    event = audit.record(None, audit.WORKSPACE_CREATED)
    with pytest.raises(InternalError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE members_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(InternalError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM members_auditevent WHERE id = %s", [event.pk])
