"""Who may do what with the members' models in the Wagtail admin (the
Network menu): people whose groups hold the model permissions, which the data
migration members/0005_site_roles gives to "Network coordinators" only
(superusers have them all). Being staff grants nothing here: the page editor
must not be able to make themselves a member of a workspace.

Nobody edits or deletes audit events, and workspaces are archived, never
deleted, from the admin (deleting would destroy what members shared without a
trace): those actions are refused whatever permissions someone holds."""

from django.contrib.auth import get_user_model
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permission_policies.base import BasePermissionPolicy

MANAGE = ("add", "change", "delete", "view")


class NetworkPolicy(ModelPermissionPolicy):
    """Django model permissions, limited to ``actions``."""

    def __init__(self, model, actions=MANAGE):
        super().__init__(model)
        self.actions = frozenset(actions)

    def user_has_permission(self, user, action):
        if action not in self.actions or not (user and user.is_active):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        allowed = [action for action in actions if action in self.actions]
        if not allowed:
            return get_user_model().objects.none()
        return super().users_with_any_permission(allowed)

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


def _subject_requests():
    from . import subject_requests

    return subject_requests


class SubjectRequestPolicy(BasePermissionPolicy):
    """Coordinators: every organisation's requests; an organisation's own
    workspace owners and managers: theirs (portal.members.subject_requests).
    Never deleted: the record of how a request was answered is what the law
    asks to show."""

    ACTIONS = frozenset({"add", "change", "view"})

    def user_has_permission(self, user, action):
        return action in self.ACTIONS and _subject_requests().can_handle_any(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return action in self.ACTIONS and _subject_requests().can_handle(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.ACTIONS & set(actions):
            return self.model.objects.none()
        return _subject_requests().visible_to(user)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.none()


def register_policies():
    from wagtail.permissions import register_permission_policy

    from .models import AuditEvent, Membership, Organisation, SubjectRequest, Workspace

    register_permission_policy(Organisation, NetworkPolicy(Organisation))
    register_permission_policy(Workspace, NetworkPolicy(Workspace, ("add", "change", "view")))
    register_permission_policy(Membership, NetworkPolicy(Membership))
    register_permission_policy(AuditEvent, NetworkPolicy(AuditEvent, ("view",)))
    register_permission_policy(SubjectRequest, SubjectRequestPolicy(SubjectRequest))
