"""The one way to write the audit log.

    from portal.members import audit
    audit.record(request.user, audit.FILE_DOWNLOADED, target=file, workspace=ws)

The client's address comes from the request being answered
(portal.core.request_context). Action names are registered in
portal.core.audit_actions; members' own are below, other apps register theirs.
"""

from django.utils.translation import gettext_lazy as _

from portal.core import audit_actions, request_context

from .models import AuditEvent, Workspace

# Membership and permissions
MEMBERSHIP_ADDED = audit_actions.register("membership.added", _("Member added"))
MEMBERSHIP_REMOVED = audit_actions.register("membership.removed", _("Member removed"))
MEMBERSHIP_LEFT = audit_actions.register("membership.left", _("Member left"))
ROLE_CHANGED = audit_actions.register(
    "membership.role_changed",
    _("Role changed"),
    detail_labels={"role": _("New role"), "previous": _("Previous role")},
)
OWNERSHIP_TRANSFERRED = audit_actions.register(
    "workspace.ownership_transferred", _("Ownership transferred")
)
PERMISSION_GRANTED = audit_actions.register("permission.granted", _("Permission granted"))
PERMISSION_REVOKED = audit_actions.register("permission.revoked", _("Permission revoked"))
# A network coordinator gave themselves a membership or a higher role.
COORDINATOR_SELF_ADDED = audit_actions.register(
    "membership.coordinator_self_added",
    _("Network coordinator added themselves"),
    detail_labels={"role": _("New role"), "previous": _("Previous role")},
)
# Invitations and join requests
INVITATION_SENT = audit_actions.register("invitation.sent", _("Invitation sent"))
INVITATION_ACCEPTED = audit_actions.register("invitation.accepted", _("Invitation accepted"))
INVITATION_REVOKED = audit_actions.register("invitation.revoked", _("Invitation revoked"))
JOIN_REQUESTED = audit_actions.register("join_request.created", _("Asked to join"))
JOIN_APPROVED = audit_actions.register("join_request.approved", _("Join request approved"))
JOIN_DECLINED = audit_actions.register("join_request.declined", _("Join request declined"))
# Workspace lifecycle
WORKSPACE_CREATED = audit_actions.register("workspace.created", _("Workspace created"))
WORKSPACE_ARCHIVED = audit_actions.register("workspace.archived", _("Workspace archived"))
WORKSPACE_RESTORED = audit_actions.register("workspace.restored", _("Workspace restored"))
WORKSPACE_CHANGED = audit_actions.register("workspace.changed", _("Workspace settings changed"))
# Organisations (the verified flag decides who belongs to the network)
ORGANISATION_CREATED = audit_actions.register("organisation.created", _("Organisation created"))
ORGANISATION_CHANGED = audit_actions.register("organisation.changed", _("Organisation changed"))
ORGANISATION_DELETED = audit_actions.register("organisation.deleted", _("Organisation deleted"))
# Moderation of discussions (what was said is never copied here, only ids)
DISCUSSION_HIDDEN = audit_actions.register("discussion.hidden", _("Discussion hidden"))
DISCUSSION_UNHIDDEN = audit_actions.register("discussion.unhidden", _("Discussion shown again"))
DISCUSSION_DELETED = audit_actions.register("discussion.deleted", _("Discussion deleted"))
COMMENT_HIDDEN = audit_actions.register("comment.hidden", _("Comment hidden"))
COMMENT_UNHIDDEN = audit_actions.register("comment.unhidden", _("Comment shown again"))
COMMENT_DELETED = audit_actions.register("comment.deleted", _("Comment deleted"))
# Files
FILE_UPLOADED = audit_actions.register("file.uploaded", _("File uploaded"))
FILE_DOWNLOADED = audit_actions.register("file.downloaded", _("File downloaded"))
FILE_DELETED = audit_actions.register("file.deleted", _("File deleted"))


def describe(target):
    """What the log says about an object. Models whose ``str`` may carry
    restricted content (a file name, a discussion title) define ``audit_repr``."""
    text = getattr(target, "audit_repr", None)
    return str(text if text is not None else target)[:255]


def record(actor, action, *, target=None, workspace=None, **details):
    """Append one event. ``details`` must be JSON-serialisable and must never
    hold victim data: ids, field names, counts and formats only."""
    if workspace is None and target is not None:
        # An event about a workspace itself (created, archived…) belongs to its log.
        workspace = target if isinstance(target, Workspace) else getattr(target, "workspace", None)
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_email=actor.email if actor else "",
        action=action,
        workspace=workspace,
        workspace_slug=workspace.slug if workspace else "",
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=describe(target) if target is not None else "",
        ip_address=request_context.client_address(),
        details=details,
    )
