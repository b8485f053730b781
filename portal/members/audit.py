"""The one way to write the audit log.

    from portal.members import audit
    audit.record(request.user, audit.FILE_DOWNLOADED, target=file, workspace=ws, request=request)

Actions are plain strings (no model choices), so adding one needs no migration.
"""

from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, Workspace

# Membership and permissions
MEMBERSHIP_ADDED = "membership.added"
MEMBERSHIP_REMOVED = "membership.removed"
MEMBERSHIP_LEFT = "membership.left"
ROLE_CHANGED = "membership.role_changed"
OWNERSHIP_TRANSFERRED = "workspace.ownership_transferred"
PERMISSION_GRANTED = "permission.granted"
PERMISSION_REVOKED = "permission.revoked"
# A network coordinator gave themselves a membership or a higher role.
COORDINATOR_SELF_ADDED = "membership.coordinator_self_added"
# Invitations and join requests
INVITATION_SENT = "invitation.sent"
INVITATION_ACCEPTED = "invitation.accepted"
INVITATION_REVOKED = "invitation.revoked"
JOIN_REQUESTED = "join_request.created"
JOIN_APPROVED = "join_request.approved"
JOIN_DECLINED = "join_request.declined"
# Workspace lifecycle
WORKSPACE_CREATED = "workspace.created"
WORKSPACE_ARCHIVED = "workspace.archived"
WORKSPACE_RESTORED = "workspace.restored"
WORKSPACE_CHANGED = "workspace.changed"
# Organisations (the verified flag decides who belongs to the network)
ORGANISATION_CREATED = "organisation.created"
ORGANISATION_CHANGED = "organisation.changed"
ORGANISATION_DELETED = "organisation.deleted"
# Moderation of discussions (what was said is never copied here, only ids)
DISCUSSION_HIDDEN = "discussion.hidden"
DISCUSSION_UNHIDDEN = "discussion.unhidden"
DISCUSSION_DELETED = "discussion.deleted"
COMMENT_HIDDEN = "comment.hidden"
COMMENT_UNHIDDEN = "comment.unhidden"
COMMENT_DELETED = "comment.deleted"
# Files
FILE_UPLOADED = "file.uploaded"
FILE_DOWNLOADED = "file.downloaded"
FILE_DELETED = "file.deleted"
# Monitoring reports and data exchange
REPORT_VIEWED = "report.viewed"
REPORT_CREATED = "report.created"
REPORT_CHANGED = "report.changed"
REPORT_STATUS_CHANGED = "report.status_changed"
REPORT_SHARED = "report.shared"
REPORT_WITHDRAWN = "report.withdrawn"
REPORT_SHARE_REQUESTED = "report.share_requested"
REPORT_SHARE_APPROVED = "report.share_approved"
REPORT_SHARE_DECLINED = "report.share_declined"
REPORT_SHARE_CANCELLED = "report.share_cancelled"
REPORT_EXPORTED = "report.exported"
CASES_IMPORTED = "cases.imported"
API_TOKEN_USED = "api_token.used"
API_TOKEN_CREATED = "api_token.created"
API_TOKEN_REVOKED = "api_token.revoked"
STATISTICS_RELEASED = "statistics.released"

LABELS = {
    MEMBERSHIP_ADDED: _("Member added"),
    MEMBERSHIP_REMOVED: _("Member removed"),
    MEMBERSHIP_LEFT: _("Member left"),
    ROLE_CHANGED: _("Role changed"),
    OWNERSHIP_TRANSFERRED: _("Ownership transferred"),
    PERMISSION_GRANTED: _("Permission granted"),
    PERMISSION_REVOKED: _("Permission revoked"),
    COORDINATOR_SELF_ADDED: _("Network coordinator added themselves"),
    INVITATION_SENT: _("Invitation sent"),
    INVITATION_ACCEPTED: _("Invitation accepted"),
    INVITATION_REVOKED: _("Invitation revoked"),
    JOIN_REQUESTED: _("Asked to join"),
    JOIN_APPROVED: _("Join request approved"),
    JOIN_DECLINED: _("Join request declined"),
    WORKSPACE_CREATED: _("Workspace created"),
    WORKSPACE_ARCHIVED: _("Workspace archived"),
    WORKSPACE_RESTORED: _("Workspace restored"),
    WORKSPACE_CHANGED: _("Workspace settings changed"),
    ORGANISATION_CREATED: _("Organisation created"),
    ORGANISATION_CHANGED: _("Organisation changed"),
    ORGANISATION_DELETED: _("Organisation deleted"),
    DISCUSSION_HIDDEN: _("Discussion hidden"),
    DISCUSSION_UNHIDDEN: _("Discussion shown again"),
    DISCUSSION_DELETED: _("Discussion deleted"),
    COMMENT_HIDDEN: _("Comment hidden"),
    COMMENT_UNHIDDEN: _("Comment shown again"),
    COMMENT_DELETED: _("Comment deleted"),
    FILE_UPLOADED: _("File uploaded"),
    FILE_DOWNLOADED: _("File downloaded"),
    FILE_DELETED: _("File deleted"),
    REPORT_VIEWED: _("Report viewed"),
    REPORT_CREATED: _("Report created"),
    REPORT_CHANGED: _("Report changed"),
    REPORT_STATUS_CHANGED: _("Report status changed"),
    REPORT_SHARED: _("Report shared with the network"),
    REPORT_WITHDRAWN: _("Report withdrawn from the network"),
    REPORT_SHARE_REQUESTED: _("Office approval requested to share a report"),
    REPORT_SHARE_APPROVED: _("Office approved sharing a report"),
    REPORT_SHARE_DECLINED: _("Office declined sharing a report"),
    REPORT_SHARE_CANCELLED: _("Request to share a report cancelled"),
    REPORT_EXPORTED: _("Data exported"),
    CASES_IMPORTED: _("Case records imported"),
    API_TOKEN_USED: _("API token used"),
    API_TOKEN_CREATED: _("API token created"),
    API_TOKEN_REVOKED: _("API token revoked"),
    STATISTICS_RELEASED: _("Statistics release published"),
}


def label(action):
    return LABELS.get(action, action)


def action_choices():
    return sorted(((action, str(text)) for action, text in LABELS.items()), key=lambda c: c[1])


def describe(target):
    """What the log says about an object. Models whose ``str`` may carry
    restricted content (a file name, a discussion title) define ``audit_repr``."""
    text = getattr(target, "audit_repr", None)
    return str(text if text is not None else target)[:255]


def _client_ip(request):
    if request is None:
        return None
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted
    # proxy rewrites it, and an audit log must not record what a visitor claims.
    return request.META.get("REMOTE_ADDR") or None


def record(actor, action, *, target=None, workspace=None, request=None, **details):
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
        ip_address=_client_ip(request),
        details=details,
    )
