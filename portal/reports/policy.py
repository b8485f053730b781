"""Who may do what with a monitoring report.

Report permissions are derived, on every request, from two facts the rest of the
portal already keeps: the person's object permissions on the report's workspace
(granted and revoked only by portal.members.permissions) and the report's
audience tokens (portal.members.audience). There are deliberately no per-report
guardian rows: they would copy the workspace grants onto every report, need a
re-sync on every membership change and every new report, and a missed re-sync
would leave a removed member able to open reports. Deriving them gives the same
answers as per-report grants made from the role, with one writer and nothing to
drift (tests/reports/test_policy.py checks the equivalence with ``can_see``).

- view: ``audience.can_see(user, report.audiences())``: workspace members, and
  network members for reports shared with the network (read-only);
- member: sees the workspace's internals (case rows, comments, history, raw
  export); needs view_workspace on the workspace;
- edit, submit, import, comment: contribute_workspace, draft reports only
  (comments in any state), never in an archived workspace;
- review, return, reopen, share, withdraw: moderate_workspace.
"""

from dataclasses import dataclass

from portal.members.audience import audiences_for, can_see, workspace_token
from portal.members.models.workspaces import PERM_CONTRIBUTE, PERM_MODERATE

from .models import ReportAudience, ReportStatus


@dataclass(frozen=True)
class ReportAccess:
    view: bool = False
    member: bool = False
    edit: bool = False
    submit: bool = False
    review: bool = False
    reopen: bool = False
    share: bool = False
    withdraw: bool = False
    comment: bool = False
    moderate: bool = False
    export: bool = False
    attach: bool = False
    report_workspace_archived: bool = False

    @property
    def network_reader(self):
        """Opens the report only because it is shared with the network."""
        return self.view and not self.member


NO_ACCESS = ReportAccess()


def workspace_roles(user, workspace):
    """(contribute, moderate) for this person in this workspace."""
    return (
        user.has_perm(f"members.{PERM_CONTRIBUTE}", workspace),
        user.has_perm(f"members.{PERM_MODERATE}", workspace),
    )


def report_access(user, report, tokens=None):
    tokens = audiences_for(user) if tokens is None else tokens
    if not can_see(user, report.audiences(), tokens):
        return NO_ACCESS
    member = workspace_token(report.workspace_id) in tokens
    if not member:
        return ReportAccess(view=True)
    contribute, moderate = workspace_roles(user, report.workspace)
    writable = not report.workspace.is_archived
    contribute = contribute and writable
    moderate = moderate and writable
    draft = report.status == ReportStatus.DRAFT
    return ReportAccess(
        view=True,
        member=True,
        edit=contribute and draft,
        submit=contribute and draft,
        review=moderate and report.status == ReportStatus.SUBMITTED,
        reopen=moderate and report.status == ReportStatus.REVIEWED,
        share=moderate
        and report.status == ReportStatus.REVIEWED
        and report.audience == ReportAudience.WORKSPACE,
        withdraw=moderate and report.audience == ReportAudience.NETWORK,
        comment=contribute,
        moderate=moderate,
        attach=contribute and draft,
        report_workspace_archived=not writable,
        # Bulk export is for people who work on the data, not for observers.
        export=user.has_perm(f"members.{PERM_CONTRIBUTE}", report.workspace),
    )


def can_delete_comment(user, comment, access):
    """Authors may take back their own words (even after a role change);
    managers and owners moderate. Never in an archived workspace."""
    if not access.member or access.report_workspace_archived:
        return False
    return access.moderate or comment.author_id == user.pk
