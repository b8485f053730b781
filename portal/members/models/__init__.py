"""Members' data: one module per concept, re-exported here for Django."""

from .activity import Activity, Verb
from .audit import AuditEvent
from .discussions import Comment, Discussion, PostEdit
from .files import WorkspaceFile
from .invitations import Invitation, InvitationStatus
from .join_requests import JoinRequest, JoinRequestStatus
from .notifications import Frequency, NotificationPreference
from .organisations import Organisation
from .subject_requests import SubjectRequest, SubjectRequestKind, SubjectRequestStatus
from .users import User, UserManager
from .workspaces import (
    Membership,
    Role,
    Visibility,
    Workspace,
    WorkspaceGroupObjectPermission,
    WorkspaceUserObjectPermission,
)

__all__ = [
    "Activity",
    "AuditEvent",
    "Comment",
    "Discussion",
    "Frequency",
    "Invitation",
    "InvitationStatus",
    "JoinRequest",
    "JoinRequestStatus",
    "Membership",
    "NotificationPreference",
    "Organisation",
    "PostEdit",
    "Role",
    "SubjectRequest",
    "SubjectRequestKind",
    "SubjectRequestStatus",
    "User",
    "UserManager",
    "Verb",
    "Visibility",
    "Workspace",
    "WorkspaceFile",
    "WorkspaceGroupObjectPermission",
    "WorkspaceUserObjectPermission",
]
