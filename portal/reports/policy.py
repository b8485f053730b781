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
- review, return, reopen, share, withdraw: moderate_workspace. Review and
  share also need four eyes (portal.reports.four_eyes): no contributor reviews,
  and only a report reviewed by a non-contributor is shared; a report waiting
  for the office's approval is not shared again, only withdrawn (cancelled).

Actions on case data have names (``CASE_DATA_ACTIONS``) and every surface asks
for them by name, so the page, the exports, the API and search cannot drift:

- ``read_case_rows``: the rows themselves (the report page's table, the
  members' API ``…/cases``); ``export_raw``: the raw export file. Both need
  contribute_workspace: the people who work on the data. Observers are
  read-only members: they get no raw rows on any surface.
- ``view_totals``: a report's totals (record count and tables by dimension),
  for everyone who may open the report;
- ``exact_totals``: the totals without small-cell suppression, only for those
  who may read the rows anyway (exact totals of a small report *are* its rows).
  Everyone else (observers, network readers) gets the public statistics' rule:
  k-anonymised, every cell under k shown as "fewer than k"
  (portal.reports.summaries).
"""

from dataclasses import dataclass

from portal.core.audience import audiences_for, can_see, workspace_token
from portal.core.roles import is_network_coordinator
from portal.members.models.workspaces import PERM_CONTRIBUTE, PERM_MODERATE

from .four_eyes import report_contributors, reviewed_by_second_person
from .models import MonitoringReport, ReportAudience, ReportStatus, ShareApproval

READ_CASE_ROWS = "read_case_rows"
EXPORT_RAW = "export_raw"
VIEW_TOTALS = "view_totals"
EXACT_TOTALS = "exact_totals"
CASE_DATA_ACTIONS = (READ_CASE_ROWS, EXPORT_RAW, VIEW_TOTALS, EXACT_TOTALS)

# The workspace permission behind the raw rows, for the decorators of the
# workspace-wide export pages (they check it before any report is known).
CASE_ROWS_PERMISSION = PERM_CONTRIBUTE


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
    attach: bool = False
    read_case_rows: bool = False
    export_raw: bool = False
    view_totals: bool = False
    exact_totals: bool = False
    report_workspace_archived: bool = False
    # Could review but wrote or changed the report: the page says why not.
    review_needs_second_person: bool = False
    share_pending: bool = False

    def allows(self, action):
        """The answer for a named action (``CASE_DATA_ACTIONS``, or any field)."""
        if action not in self.__dataclass_fields__ or action == "report_workspace_archived":
            raise ValueError(f"unknown report action {action!r}")
        return getattr(self, action)

    @property
    def export(self):
        """The report page's "Export" button: the raw export."""
        return self.export_raw

    @property
    def network_reader(self):
        """Opens the report only because it is shared with the network."""
        return self.view and not self.member


NO_ACCESS = ReportAccess()


def may_read_case_rows(user, workspace, tokens=None):
    """The one rule for raw case rows of a workspace's reports: a person of the
    workspace (by audience token, so the MFA gate and a removed membership
    count at once) whose role works on the data. Reading, so an archived
    workspace does not change it."""
    tokens = audiences_for(user) if tokens is None else tokens
    return workspace_token(workspace.pk) in tokens and user.has_perm(
        f"members.{CASE_ROWS_PERMISSION}", workspace
    )


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
        return ReportAccess(view=True, view_totals=True)
    contribute, moderate = workspace_roles(user, report.workspace)
    rows = may_read_case_rows(user, report.workspace, tokens)
    writable = not report.workspace.is_archived
    contribute = contribute and writable
    moderate = moderate and writable
    draft = report.status == ReportStatus.DRAFT
    four_eyes = _four_eyes(user, report, moderate)
    return ReportAccess(
        view=True,
        member=True,
        edit=contribute and draft,
        submit=contribute and draft,
        review=moderate and report.status == ReportStatus.SUBMITTED and four_eyes.review,
        reopen=moderate and report.status == ReportStatus.REVIEWED,
        share=four_eyes.share,
        withdraw=moderate and (report.audience == ReportAudience.NETWORK or four_eyes.pending),
        review_needs_second_person=four_eyes.blocked,
        share_pending=four_eyes.pending,
        comment=contribute,
        moderate=moderate,
        attach=contribute and draft,
        report_workspace_archived=not writable,
        read_case_rows=rows,
        export_raw=rows,
        view_totals=True,
        exact_totals=rows,
    )


def workspace_case_access(user, workspace, tokens=None):
    """The case-data actions (``CASE_DATA_ACTIONS``) on every report of
    ``workspace``, for lists of many reports: they depend on the workspace
    only, so one answer serves them all. Pass someone who may open the list."""
    rows = may_read_case_rows(user, workspace, tokens)
    return ReportAccess(view_totals=True, read_case_rows=rows, export_raw=rows, exact_totals=rows)


def find_readable_report(user, slug, report_id):
    """(report, access) when this person may open the report at this address,
    else None: the one lookup behind the report page and the members' API, so
    a report is missing in both or in neither (also for a slug that is not the
    report's workspace: addresses are not guessable)."""
    report = (
        MonitoringReport.objects.select_related("workspace")
        .filter(pk=report_id, workspace__slug=slug)
        .first()
    )
    if report is None:
        return None
    access = report_access(user, report)
    return (report, access) if access.view else None


@dataclass(frozen=True)
class _FourEyes:
    review: bool = False
    blocked: bool = False
    share: bool = False
    pending: bool = False


def _four_eyes(user, report, moderate):
    """Review and share decisions that depend on who contributed; the queries
    run only in the states where they matter."""
    if report.status == ReportStatus.SUBMITTED and moderate:
        contributor = user.pk in report_contributors(report)
        return _FourEyes(review=not contributor, blocked=contributor)
    if report.status == ReportStatus.REVIEWED and report.audience == ReportAudience.WORKSPACE:
        # Every member sees that the report waits for the office.
        pending = ShareApproval.objects.pending().filter(report_id=report.pk).exists()
        share = moderate and not pending and reviewed_by_second_person(report)
        return _FourEyes(share=share, pending=pending)
    return _FourEyes()


def can_decide_share(user, report):
    """Approve or decline a report waiting for the office: a network
    coordinator who did not write or change it (services enforce the same)."""
    return is_network_coordinator(user) and user.pk not in report_contributors(report)


def can_delete_comment(user, comment, access):
    """Authors may take back their own words (even after a role change);
    managers and owners moderate. Never in an archived workspace."""
    if not access.member or access.report_workspace_archived:
        return False
    return access.moderate or comment.author_id == user.pk
