"""The only code that grants or revokes object permissions.

A membership role maps to a fixed set of workspace permissions; changing the
role re-grants them. Every change is written to the audit log in the same
transaction, so the log and the permissions cannot disagree.
"""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portal.core import activity_verbs
from portal.core.roles import is_network_coordinator

from . import activity, audit, notifications, pending
from .models import Membership, Role, Verb, Workspace
from .models.workspaces import (
    PERM_ADMINISTER,
    PERM_CONTRIBUTE,
    PERM_MODERATE,
    PERM_READ_AUDIT,
    PERM_VIEW,
    WorkspaceUserObjectPermission,
)

ALL_WORKSPACE_PERMS = (PERM_VIEW, PERM_CONTRIBUTE, PERM_MODERATE, PERM_ADMINISTER, PERM_READ_AUDIT)

ROLE_PERMISSIONS = {
    Role.OBSERVER: (PERM_VIEW,),
    Role.MEMBER: (PERM_VIEW, PERM_CONTRIBUTE),
    Role.MANAGER: (PERM_VIEW, PERM_CONTRIBUTE, PERM_MODERATE),
    Role.OWNER: ALL_WORKSPACE_PERMS,
}


# A coordinator giving themselves a place in a workspace is shown to its
# owners, under this verb in the activity stream.
VERB_COORDINATOR_SELF_ADDED = activity_verbs.register(
    "coordinator_self_added",
    _("added themselves to the workspace (network coordinator)"),
)
_ROLE_RANK = {Role.OBSERVER: 0, Role.MEMBER: 1, Role.MANAGER: 2, Role.OWNER: 3}


class PermissionChangeError(Exception):
    """A change that would leave a workspace in an invalid state (no owner…)."""


def _sync_perms(workspace, user, role):
    """Make the user's direct permissions on the workspace exactly the role's."""
    wanted = set(ROLE_PERMISSIONS[role]) if role else set()
    # Read the grants themselves: get_perms() answers "everything" for superusers.
    current = {
        p.permission.codename
        for p in workspace.workspaceuserobjectpermission_set.filter(user=user).select_related(
            "permission"
        )
    }
    granted, revoked = sorted(wanted - current), sorted(current - wanted)
    # One query each way rather than guardian's assign_perm/remove_perm per
    # codename (three queries apiece): every new workspace and every member
    # added goes through here. The membership row is locked by the caller, so
    # no one else grants these rows meanwhile; ignore_conflicts is the belt.
    if granted:
        WorkspaceUserObjectPermission.objects.bulk_create(
            [
                WorkspaceUserObjectPermission(user=user, content_object=workspace, permission=p)
                for p in _workspace_permissions(granted)
            ],
            ignore_conflicts=True,
        )
    if revoked:
        workspace.workspaceuserobjectpermission_set.filter(
            user=user, permission__codename__in=revoked
        ).delete()
    return granted, revoked


def _workspace_permissions(codenames):
    permissions = list(
        Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(Workspace), codename__in=codenames
        )
    )
    if len(permissions) != len(codenames):  # a codename without its migration
        missing = set(codenames) - {p.codename for p in permissions}
        raise Permission.DoesNotExist(f"workspace permissions missing: {sorted(missing)}")
    return permissions


def _audit_perm_changes(actor, workspace, user, granted, revoked):
    for codename in granted:
        audit.record(
            actor,
            audit.PERMISSION_GRANTED,
            target=user,
            workspace=workspace,
            permission=codename,
        )
    for codename in revoked:
        audit.record(
            actor,
            audit.PERMISSION_REVOKED,
            target=user,
            workspace=workspace,
            permission=codename,
        )


def owners_of(workspace):
    return Membership.objects.filter(workspace=workspace, role=Role.OWNER)


def _lock_owners(workspace):
    """Lock every owner membership of the workspace, in primary-key order, and
    return how many there are. Any change that could remove an owner takes
    these locks first: two owners demoting each other at the same moment then
    wait for each other (instead of both counting two owners and leaving
    none), and the one-order rule keeps them from deadlocking."""
    return len(list(owners_of(workspace).select_for_update().order_by("pk").only("pk")))


def _lock_membership(workspace, user):
    # Only the membership row: the default ordering joins the user and the
    # workspace, and locking those too would block unrelated writes to them.
    return (
        Membership.objects.select_for_update(of=("self",))
        .filter(workspace=workspace, user=user)
        .first()
    )


def grantable_roles(perms):
    """Roles a person with workspace permissions ``perms`` may give others
    (invitations, join requests, role changes). Ownership only moves by
    transfer_ownership; managers let people in, owners also make managers."""
    if PERM_ADMINISTER in perms:
        return [Role.MANAGER, Role.MEMBER, Role.OBSERVER]
    if PERM_MODERATE in perms:
        return [Role.MEMBER, Role.OBSERVER]
    return []


def role_change_problem(workspace, user, role):
    """Why ``user`` may not get ``role`` now (a message), or None."""
    membership = Membership.objects.filter(workspace=workspace, user=user).first()
    if (
        membership is not None
        and membership.role == Role.OWNER
        and role != Role.OWNER
        and owners_of(workspace).count() == 1
    ):
        return LAST_OWNER_MESSAGE
    return None


LAST_OWNER_MESSAGE = _(
    "A workspace needs an owner: transfer ownership to another member before "
    "changing or removing the last owner."
)


@transaction.atomic
def set_membership(workspace, user, role, *, actor, via=""):
    """Add the user to the workspace with ``role``, or change their role."""
    role = Role(role)
    owner_count = _lock_owners(workspace)
    membership = _lock_membership(workspace, user)
    previous_role = Role(membership.role) if membership is not None else None
    self_added = _coordinator_adds_self(actor, user, previous_role, role, via, owner_count)
    if membership is None:
        membership = Membership.objects.create(workspace=workspace, user=user, role=role)
        audit.record(
            actor,
            audit.MEMBERSHIP_ADDED,
            target=user,
            workspace=workspace,
            role=role.value,
            via=via,
        )
        if not self_added:
            activity.record(workspace, user, Verb.MEMBER_JOINED)
        # Only proven addresses here: anyone can add an unverified address to
        # their account, and joining must not cancel a stranger's invitation.
        pending.revoke_open_for(workspace, user, actor=actor, reason="joined", verified_only=True)
    elif membership.role != role:
        if membership.role == Role.OWNER and owner_count == 1:
            raise PermissionChangeError(LAST_OWNER_MESSAGE)
        previous = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit.record(
            actor,
            audit.ROLE_CHANGED,
            target=user,
            workspace=workspace,
            previous=previous,
            role=role.value,
        )
    granted, revoked = _sync_perms(workspace, user, role)
    _audit_perm_changes(actor, workspace, user, granted, revoked)
    if self_added:
        _show_self_add_to_owners(workspace, actor, previous_role, role, via)
    return membership


def _coordinator_adds_self(actor, user, previous_role, role, via, owner_count):
    """A coordinator may reach any workspace through the Network admin: when
    they use that to let themselves in (or raise their own role), the owners
    must know at once. Accepting an invitation is not self-service (someone
    invited them), and a workspace being created has no owner yet to tell."""
    if actor is None or getattr(actor, "pk", None) != user.pk or via == "invitation":
        return False
    if owner_count == 0 or not is_network_coordinator(actor):
        return False
    return previous_role is None or _ROLE_RANK[role] > _ROLE_RANK[previous_role]


def _show_self_add_to_owners(workspace, coordinator, previous_role, role, via):
    audit.record(
        coordinator,
        audit.COORDINATOR_SELF_ADDED,
        target=coordinator,
        workspace=workspace,
        role=role.value,
        previous=previous_role.value if previous_role else "",
        via=via,
    )
    activity.record(workspace, coordinator, VERB_COORDINATOR_SELF_ADDED)
    coordinator_id, workspace_id = coordinator.pk, workspace.pk
    transaction.on_commit(
        lambda: notifications.send_coordinator_self_added(workspace_id, coordinator_id, role)
    )


@transaction.atomic
def remove_membership(workspace, user, *, actor, left=False):
    """Remove the user from the workspace and revoke every permission on it."""
    owner_count = _lock_owners(workspace)
    membership = _lock_membership(workspace, user)
    if membership is None:
        return
    if membership.role == Role.OWNER and owner_count == 1:
        raise PermissionChangeError(LAST_OWNER_MESSAGE)
    role = membership.role
    membership.delete()
    audit.record(
        actor,
        audit.MEMBERSHIP_LEFT if left else audit.MEMBERSHIP_REMOVED,
        target=user,
        workspace=workspace,
        role=role,
    )
    if left:
        activity.record(workspace, user, Verb.MEMBER_LEFT)
    else:
        activity.record(workspace, actor, Verb.MEMBER_REMOVED, subject=user)
    granted, revoked = _sync_perms(workspace, user, None)
    _audit_perm_changes(actor, workspace, user, granted, revoked)
    # An invitation sent before (or while) they were a member must not let
    # them back in after this decision.
    pending.revoke_open_for(workspace, user, actor=actor, reason="left" if left else "removed")


@transaction.atomic
def transfer_ownership(workspace, new_owner, *, actor):
    """Make ``new_owner`` (already a member) the owner; the acting owner becomes a manager."""
    if not Membership.objects.filter(workspace=workspace, user=new_owner).exists():
        raise PermissionChangeError(_("Ownership can only go to a member of the workspace."))
    set_membership(workspace, new_owner, Role.OWNER, actor=actor)
    if actor is not None and actor.pk != new_owner.pk:
        current = Membership.objects.filter(workspace=workspace, user=actor, role=Role.OWNER)
        if current.exists():
            set_membership(workspace, actor, Role.MANAGER, actor=actor)
    audit.record(
        actor,
        audit.OWNERSHIP_TRANSFERRED,
        target=new_owner,
        workspace=workspace,
    )


@transaction.atomic
def create_workspace(*, owner, actor=None, **fields):
    """A new workspace with ``owner`` as its first owner."""
    workspace = Workspace.objects.create(**fields)
    audit.record(actor or owner, audit.WORKSPACE_CREATED, target=workspace)
    set_membership(workspace, owner, Role.OWNER, actor=actor or owner)
    return workspace
