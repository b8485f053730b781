"""Members' part of retention: the tombstone, the legal hold, and the kinds
members stores (workspace files, discussions, archived workspaces).

What "closed" means per kind (the retention period runs from it):
- workspace_files: the upload (a file never changes). Files attached to a
  monitoring report are not purged on their own: they go with their report.
- discussions: the last comment, or the opening when there is none.
- workspaces: the archival; only archived workspaces expire, with everything
  in them (reports, files, discussions), unless one of their reports is held.

Everything in a workspace under legal hold is kept, whatever its age.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext_lazy as _

from portal.core import audit_actions, periodic, retention
from portal.core.roles import is_network_coordinator

from . import audit
from .models import Comment, Discussion, Workspace, WorkspaceFile

RETENTION_PURGED = audit_actions.register(
    "retention.purged", _("Removed at the end of its retention period")
)
LEGAL_HOLD_SET = audit_actions.register("retention.hold_set", _("Legal hold set"))
LEGAL_HOLD_LIFTED = audit_actions.register("retention.hold_lifted", _("Legal hold lifted"))

DAY = 24 * 3600


def register():
    """From members' ready(), after members' own detail keys."""
    audit_actions.register_detail("retention_kind", _("Kind of data"))
    audit_actions.register_detail("purged_id", _("Object id"), kind=audit_actions.CODE)
    audit_actions.register_detail("retention_days", _("Kept for (days)"), kind=audit_actions.NUMBER)
    audit_actions.register_detail("closed_before", _("Closed before"), kind=audit_actions.MOMENT)
    retention.set_tombstone_writer(write_tombstone)
    from . import subject_requests

    subject_requests.register()
    for kind in KINDS:
        retention.register(kind)
        audit_actions.register_values("retention_kind", {kind.code: kind.label})
    periodic.register("retention.purge", DAY, run_daily_purge)
    # Its own job: a failing purge must not silence the coordinators' alert.
    periodic.register("subject_requests.overdue", DAY, subject_requests.send_overdue_alert)


def write_tombstone(obj, *, kind, days, closed_before):
    """What was removed, which id, by which rule: never a title, a name or a
    file name (target=None, so no ``str(obj)`` reaches the log)."""
    workspace = obj if isinstance(obj, Workspace) else getattr(obj, "workspace", None)
    audit.record(
        None,
        RETENTION_PURGED,
        workspace=workspace,
        retention_kind=kind,
        purged_id=str(obj.pk),
        retention_days=days,
        closed_before=closed_before.isoformat(),
    )


def run_daily_purge():
    retention.purge_expired()


# --- Legal hold ------------------------------------------------------------------


def can_set_legal_hold(user):
    """Only the network's coordinators (and superusers) hold or release data:
    a workspace's own managers could otherwise keep or free what the law asks
    to keep."""
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and (user.is_superuser or is_network_coordinator(user))
    )


def set_legal_hold(actor, obj, held, *, workspaces=None, **details):
    """Hold (or release) anything with a ``legal_hold`` field (a workspace, a
    monitoring report, a referral); audited in the log of each of
    ``workspaces`` (default: the object's own workspace), with ``details``
    (ids and codes only). PermissionDenied for anyone but a coordinator."""
    if not can_set_legal_hold(actor):
        raise PermissionDenied
    if workspaces is None:
        workspaces = (obj if isinstance(obj, Workspace) else obj.workspace,)
    with transaction.atomic():
        type(obj)._default_manager.select_for_update().filter(pk=obj.pk).update(
            legal_hold=bool(held)
        )
        obj.legal_hold = bool(held)
        for workspace in workspaces:
            audit.record(
                actor,
                LEGAL_HOLD_SET if held else LEGAL_HOLD_LIFTED,
                workspace=workspace,
                purged_id=str(obj.pk),
                **details,
            )
    return obj


# --- Kinds -----------------------------------------------------------------------


def _files(cutoff):
    return WorkspaceFile.objects.filter(
        uploaded_at__lt=cutoff, workspace__legal_hold=False, report_attachments__isnull=True
    )


def _purge_file(stored):
    blob = (stored.file.storage, stored.file.name)
    stored.delete()
    return [blob]


def _discussions(cutoff):
    last_comment = Subquery(
        Comment.objects.filter(discussion=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return Discussion.objects.annotate(
        retention_closed=Greatest("created_at", Coalesce(last_comment, "created_at"))
    ).filter(retention_closed__lt=cutoff, workspace__legal_hold=False)


def _purge_discussion(discussion):
    discussion.delete()
    return []


def _workspaces(cutoff):
    return Workspace.objects.filter(archived_at__lt=cutoff, legal_hold=False).exclude(
        reports__legal_hold=True
    )


def _purge_workspace(workspace):
    blobs = [
        (stored.file.storage, stored.file.name)
        for stored in WorkspaceFile.objects.filter(workspace=workspace)
    ]
    workspace.delete()
    return blobs


def _workspace_or_a_report_held(workspace):
    # "reports" is the reverse name the reports app gives its workspace link.
    return (
        Workspace.objects.filter(pk=workspace.pk)
        .filter(Q(legal_hold=True) | Q(reports__legal_hold=True))
        .exists()
    )


def _workspace_held(obj):
    return Workspace.objects.filter(pk=obj.workspace_id, legal_hold=True).exists()


KINDS = (
    retention.RetentionKind(
        code="workspace_files",
        label=_("Workspace files"),
        closed=_("upload (files attached to a report go with the report)"),
        expired=_files,
        purge=_purge_file,
        held=_workspace_held,
    ),
    retention.RetentionKind(
        code="discussions",
        label=_("Discussions with their comments"),
        closed=_("last comment"),
        expired=_discussions,
        purge=_purge_discussion,
        held=_workspace_held,
    ),
    retention.RetentionKind(
        code="workspaces",
        label=_("Archived workspaces with everything in them"),
        closed=_("archival"),
        expired=_workspaces,
        purge=_purge_workspace,
        held=_workspace_or_a_report_held,
    ),
)
