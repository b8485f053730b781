"""Who may do what with the members' models in the Wagtail admin: office
staff (is_staff) manage organisations, workspaces and memberships and read
the audit log. Nobody edits or deletes audit events, and workspaces are
archived, never deleted, from the admin (deleting would destroy what members
shared without a trace)."""

from django.contrib.auth import get_user_model
from wagtail.permission_policies.base import BasePermissionPolicy

MANAGE = ("add", "change", "delete", "view")


def is_office(user):
    return bool(user and user.is_active and (user.is_staff or user.is_superuser))


class OfficeStaffPolicy(BasePermissionPolicy):
    def __init__(self, model, actions=MANAGE):
        super().__init__(model)
        self.actions = frozenset(actions)

    def user_has_permission(self, user, action):
        return action in self.actions and is_office(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        User = get_user_model()
        if not self.actions.intersection(actions):
            return User.objects.none()
        return User.objects.filter(is_active=True).filter(is_staff=True)

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if self.user_has_any_permission(user, actions):
            return self.model._default_manager.all()
        return self.model._default_manager.none()

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])


def register_policies():
    from wagtail.permissions import register_permission_policy

    from .models import AuditEvent, Membership, Organisation, Workspace

    register_permission_policy(Organisation, OfficeStaffPolicy(Organisation))
    register_permission_policy(Workspace, OfficeStaffPolicy(Workspace, ("add", "change", "view")))
    register_permission_policy(Membership, OfficeStaffPolicy(Membership))
    register_permission_policy(AuditEvent, OfficeStaffPolicy(AuditEvent, ("view",)))
