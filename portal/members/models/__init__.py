"""Members' data: one module per concept, re-exported here for Django."""

from .audit import AuditEvent
from .organisations import Organisation
from .users import User, UserManager
from .workspaces import (
    Membership,
    Role,
    Workspace,
    WorkspaceGroupObjectPermission,
    WorkspaceUserObjectPermission,
)

__all__ = [
    "AuditEvent",
    "Membership",
    "Organisation",
    "Role",
    "User",
    "UserManager",
    "Workspace",
    "WorkspaceGroupObjectPermission",
    "WorkspaceUserObjectPermission",
]
