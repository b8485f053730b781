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
  Approving or declining that request: a network coordinator who did not
  contribute.

Every action is decided by one function, ``decide(action, user, report)``,
which answers in portal.core.policy's shape (a ``Decision``: allowed, or a
message and a status). The services call it before they change anything and
raise the refusal; the pages build ``ReportAccess`` (what the template offers)
from the same answers; the API asks it too. The workflow's moves are one table,
``TRANSITIONS`` (from which stages, to which stage, the rule, the audit action,
the activity verb, the four-eyes needs): ``decide`` reads it for the question
"may this person do it now?", ``portal.reports.services.transition`` for doing
it. ``actor=None`` is the system (management commands, tests): it skips the
role rules, as Wagtail's actions skip permission checks without a user, but
never the state, the four eyes or the office's decision.

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

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from portal.core.audience import audiences_for, can_see, workspace_token
from portal.core.policy import (
    ALLOWED,
    CONFLICT,
    FORBIDDEN,
    NOT_FOUND,
    ActionRefused,
    refuse,
)
from portal.core.roles import is_network_coordinator
from portal.members.access import workspace_perms
from portal.members.models.workspaces import PERM_CONTRIBUTE, PERM_MODERATE, PERM_VIEW

from . import audit_actions
from .four_eyes import report_contributors
from .models import ChangeKind, MonitoringReport, ReportAudience, ReportStatus, ShareApproval

READ_CASE_ROWS = "read_case_rows"
EXPORT_RAW = "export_raw"
VIEW_TOTALS = "view_totals"
EXACT_TOTALS = "exact_totals"
CASE_DATA_ACTIONS = (READ_CASE_ROWS, EXPORT_RAW, VIEW_TOTALS, EXACT_TOTALS)

# The workspace permission behind the raw rows, for the decorators of the
# workspace-wide export pages (they check it before any report is known).
CASE_ROWS_PERMISSION = PERM_CONTRIBUTE


class WorkflowError(ActionRefused):
    """The action does not fit the report's state now (for example editing a
    reviewed report, or reviewing what one wrote): pages show the message on
    the report instead of an error page."""

    status = CONFLICT


def _conflict(message):
    return refuse(message, CONFLICT, WorkflowError)


# --- The workflow as one table ----------------------------------------------------

# Where a report stands: its status, and for a reviewed report whether the
# network reads it or the office has been asked to let it.
DRAFT = ReportStatus.DRAFT.value
SUBMITTED = ReportStatus.SUBMITTED.value
REVIEWED = ReportStatus.REVIEWED.value
AWAITING_OFFICE = "awaiting_office"
SHARED = "shared"
STAGES = (DRAFT, SUBMITTED, REVIEWED, AWAITING_OFFICE, SHARED)

# Who may move a report.
CONTRIBUTE = "contribute"  # contribute_workspace in a workspace that is not archived
MODERATE = "moderate"  # moderate_workspace, likewise
COORDINATOR = "coordinator"  # a network coordinator of the office (never the system)

# Four eyes (portal.reports.four_eyes).
ACTOR_DID_NOT_CONTRIBUTE = "actor_did_not_contribute"
REVIEWED_BY_SECOND_PERSON = "reviewed_by_second_person"

# What a move changes, read by services.transition.
SET_STATUS = "status"
TO_NETWORK = "to_network"
TO_WORKSPACE = "to_workspace"
REQUEST_APPROVAL = "request_approval"
CANCEL_APPROVAL = "cancel_approval"
APPROVE = "approve"
DECLINE = "decline"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple
    target: str
    rule: str
    effect: str
    audit_action: str
    activity_verb: str = ""
    four_eyes: tuple = ()
    # Moves applied first, by the stage the report leaves (reopening a shared
    # report withdraws it from the network first), or after (an approval shares).
    leaving: dict = field(default_factory=dict)
    then: str = ""
    # The texts are checked for personal data again: the guard may have learnt
    # a pattern since they were saved.
    scans_texts: bool = False


TRANSITIONS = {
    t.name: t
    for t in (
        Transition(
            "submit",
            (DRAFT,),
            SUBMITTED,
            CONTRIBUTE,
            SET_STATUS,
            audit_actions.REPORT_STATUS_CHANGED,
            "report_submitted",
            scans_texts=True,
        ),
        Transition(
            "review",
            (SUBMITTED,),
            REVIEWED,
            MODERATE,
            SET_STATUS,
            audit_actions.REPORT_STATUS_CHANGED,
            "report_reviewed",
            four_eyes=(ACTOR_DID_NOT_CONTRIBUTE,),
        ),
        Transition(
            "return", (SUBMITTED,), DRAFT, MODERATE, SET_STATUS, audit_actions.REPORT_STATUS_CHANGED
        ),
        Transition(
            "reopen",
            (REVIEWED, AWAITING_OFFICE, SHARED),
            DRAFT,
            MODERATE,
            SET_STATUS,
            audit_actions.REPORT_STATUS_CHANGED,
            leaving={SHARED: "withdraw", AWAITING_OFFICE: "cancel_share"},
        ),
        # Without the office's approval (PORTAL_SHARING_REQUIRES_OFFICE_APPROVAL off).
        Transition(
            "share",
            (REVIEWED,),
            SHARED,
            MODERATE,
            TO_NETWORK,
            audit_actions.REPORT_SHARED,
            "report_shared",
            four_eyes=(REVIEWED_BY_SECOND_PERSON,),
        ),
        # With it: the request waits for a coordinator, the workspace alone reads the report.
        Transition(
            "request_share",
            (REVIEWED,),
            AWAITING_OFFICE,
            MODERATE,
            REQUEST_APPROVAL,
            audit_actions.REPORT_SHARE_REQUESTED,
            "report_share_requested",
            four_eyes=(REVIEWED_BY_SECOND_PERSON,),
        ),
        Transition(
            "withdraw", (SHARED,), REVIEWED, MODERATE, TO_WORKSPACE, audit_actions.REPORT_WITHDRAWN
        ),
        Transition(
            "cancel_share",
            (AWAITING_OFFICE,),
            REVIEWED,
            MODERATE,
            CANCEL_APPROVAL,
            audit_actions.REPORT_SHARE_CANCELLED,
        ),
        Transition(
            "approve_share",
            (AWAITING_OFFICE,),
            SHARED,
            COORDINATOR,
            APPROVE,
            audit_actions.REPORT_SHARE_APPROVED,
            four_eyes=(ACTOR_DID_NOT_CONTRIBUTE, REVIEWED_BY_SECOND_PERSON),
            then="share",
        ),
        Transition(
            "decline_share",
            (AWAITING_OFFICE,),
            REVIEWED,
            COORDINATOR,
            DECLINE,
            audit_actions.REPORT_SHARE_DECLINED,
            "report_share_declined",
            four_eyes=(ACTOR_DID_NOT_CONTRIBUTE,),
        ),
    )
}

# History kinds of the moves that are not status changes.
HISTORY_KINDS = {
    TO_NETWORK: ChangeKind.AUDIENCE,
    TO_WORKSPACE: ChangeKind.AUDIENCE,
    REQUEST_APPROVAL: ChangeKind.SHARE_REQUESTED,
    CANCEL_APPROVAL: ChangeKind.SHARE_CANCELLED,
    DECLINE: ChangeKind.SHARE_DECLINED,
}


def requires_office_approval():
    from django.conf import settings

    return settings.PORTAL_SHARING_REQUIRES_OFFICE_APPROVAL


def share_transition():
    """The page's one "Share" button: straight to the network, or via the office."""
    return TRANSITIONS["request_share" if requires_office_approval() else "share"]


def withdraw_transition(report, stage_now=None):
    """The page's one "Withdraw" button: off the network, or the request taken back."""
    stage_now = stage_now or stage(report)
    return TRANSITIONS["cancel_share" if stage_now == AWAITING_OFFICE else "withdraw"]


def move_for(name, report, stage_now=None):
    """The move behind ``name``: a key of ``TRANSITIONS``, or one of the page's
    "share" and "withdraw" buttons, which stand for two moves each."""
    if name == "share":
        return share_transition()
    if name == "withdraw":
        return withdraw_transition(report, stage_now)
    return TRANSITIONS[name]


def workspace_permission(name):
    """The workspace permission behind a move's rule: what the page's decorator
    checks before the service decides (for the members' permission matrix)."""
    rule = move_for(name, None, REVIEWED).rule
    return {CONTRIBUTE: PERM_CONTRIBUTE, MODERATE: PERM_MODERATE}[rule]


def stage(report):
    if report.audience == ReportAudience.NETWORK:
        return SHARED
    if report.status == ReportStatus.REVIEWED and _has_pending_share(report):
        return AWAITING_OFFICE
    return report.status


def _has_pending_share(report):
    return ShareApproval.objects.pending().filter(report_id=report.pk).exists()


# --- Who may act -------------------------------------------------------------------


@dataclass(frozen=True)
class Roles:
    """One person's standing in a report's workspace."""

    member: bool
    contribute: bool
    moderate: bool
    archived: bool


SYSTEM = None


def _has_perm(user, codename, workspace, perms=None):
    """From ``perms`` (members.access.workspace_perms, read once for all the
    questions one answer asks) when given, else asked on its own."""
    if perms is None:
        return user.has_perm(f"members.{codename}", workspace)
    return codename in perms


def roles_of(user, report, tokens=None, perms=None):
    """From the audience tokens when given (pages: they carry the session's
    second-factor gate), else from the person's object permissions (services,
    which the pages and the API reach only through that gate)."""
    workspace = report.workspace
    if tokens is not None:
        member = workspace_token(report.workspace_id) in tokens
    else:
        member = user.is_authenticated and _has_perm(user, PERM_VIEW, workspace, perms)
    if not member:
        return Roles(False, False, False, workspace.is_archived)
    contribute, moderate = workspace_roles(user, workspace, perms)
    return Roles(True, contribute, moderate, workspace.is_archived)


def workspace_roles(user, workspace, perms=None):
    """(contribute, moderate) for this person in this workspace."""
    return (
        _has_perm(user, PERM_CONTRIBUTE, workspace, perms),
        _has_perm(user, PERM_MODERATE, workspace, perms),
    )


def _not_found():
    return refuse(_("Not found."), NOT_FOUND)


def _role_decision(rule, roles):
    if not roles.member:
        # A report of someone else's workspace does not exist for them.
        return _not_found()
    if not (roles.contribute if rule == CONTRIBUTE else roles.moderate):
        return refuse(_("Your role in this workspace does not allow this."), FORBIDDEN)
    if roles.archived:
        return refuse(
            _("This workspace is archived and read-only. An owner can restore it."), FORBIDDEN
        )
    return ALLOWED


def _who(rule, user, report, roles):
    if rule == COORDINATOR:
        # The office decides: a person, never the system.
        if not is_network_coordinator(user):
            return refuse(
                _("Only a network coordinator of the office can decide on sharing."), FORBIDDEN
            )
        return ALLOWED
    if user is SYSTEM:
        return ALLOWED
    return _role_decision(rule, roles or roles_of(user, report))


def _four_eyes_refusal():
    # A function, not a module constant: gettext at import time would freeze the
    # message in the language active then, whoever reads it later.
    return _(
        "You wrote or changed this report or its case records, so you cannot review it: "
        "another manager or the owner of the workspace must review it."
    )


def _wrong_stage(transition, report, stage_now):
    name = transition.name
    if name == "submit":
        return _draft_only(report, _("submitting"))
    if name == "review":
        return _("Only a submitted report can be marked as reviewed.")
    if name == "return":
        return _("Only a submitted report can be returned for changes.")
    if name == "reopen":
        return _("Only a reviewed report can be reopened.")
    if name in ("share", "request_share"):
        if stage_now == SHARED:
            return _("This report is already shared with the network.")
        if stage_now == AWAITING_OFFICE:
            return _("This report is already waiting for the office's approval.")
        return _("Only a reviewed report can be shared with the network.")
    if name in ("withdraw", "cancel_share"):
        return _("This report is not shared with the network.")
    return _("This request has already been decided or cancelled.")


def _four_eyes(transition, user, report, contributors):
    for need in transition.four_eyes:
        if need == ACTOR_DID_NOT_CONTRIBUTE:
            if getattr(user, "pk", None) is None or not user.is_authenticated:
                return _conflict(_("A review needs a person who signs for it."))
            if user.pk in contributors():
                if transition.rule == COORDINATOR:
                    return _conflict(
                        _("You wrote or changed this report, so another coordinator must decide.")
                    )
                return _conflict(_four_eyes_refusal())
        # Defence in depth: review refuses contributors already, but a report
        # reviewed before that rule, or by a since-deleted account, must be
        # reviewed again by a second person before it leaves the workspace.
        elif need == REVIEWED_BY_SECOND_PERSON and (
            report.reviewed_by_id is None or report.reviewed_by_id in contributors()
        ):
            return _conflict(
                _(
                    "This report was not reviewed by a second person. Reopen it and have "
                    "someone who did not write or change it review it before sharing."
                )
            )
    return ALLOWED


def _cached_contributors(report):
    cache = []

    def contributors():
        if not cache:
            cache.append(report_contributors(report))
        return cache[0]

    return contributors


def decide_transition(name, user, report, *, roles=None, stage_now=None, contributors=None):
    """May ``user`` (None: the system) move ``report`` by the transition
    ``name`` now? Who first, then the report's stage, then the four eyes."""
    transition = TRANSITIONS[name]
    who = _who(transition.rule, user, report, roles)
    if not who:
        return who
    stage_now = stage_now or stage(report)
    contributors = contributors or _cached_contributors(report)
    if transition.name in ("share", "request_share") and stage_now == AWAITING_OFFICE:
        # The four eyes first, as on approval: the message says what to fix.
        eyes = _four_eyes(transition, user, report, contributors)
        return eyes if not eyes else _conflict(_wrong_stage(transition, report, stage_now))
    if stage_now not in transition.sources:
        return _conflict(_wrong_stage(transition, report, stage_now))
    return _four_eyes(transition, user, report, contributors)


# --- The other actions on a report --------------------------------------------------


def _draft_only(report, action):
    return _("This report is %(status)s: %(action)s is only possible on a draft.") % {
        "status": report.get_status_display().lower(),
        "action": action,
    }


def _draft_messages():
    # What a person reads when the report is no longer a draft, per action.
    return {
        "edit": lambda r: (
            _("This report is %(status)s and can no longer be edited.")
            % {"status": r.get_status_display().lower()}
        ),
        "change_cases": lambda r: (
            _("This report is %(status)s: its case records can no longer be changed.")
            % {"status": r.get_status_display().lower()}
        ),
        "attach": lambda r: _("Files can be attached to a draft report only."),
        "detach": lambda r: _draft_only(r, _("detaching files")),
    }


DRAFT_ACTIONS = ("edit", "change_cases", "attach", "detach")
ACTIONS = (*TRANSITIONS, *DRAFT_ACTIONS, "comment")


def decide(action, user, report, *, roles=None, tokens=None, **known):
    """The one answer for ``action`` (a transition's name, ``DRAFT_ACTIONS`` or
    "comment") on ``report`` by ``user`` (None: the system)."""
    if roles is None and tokens is not None and user is not None:
        roles = roles_of(user, report, tokens)
    if action in TRANSITIONS:
        return decide_transition(action, user, report, roles=roles, **known)
    if action not in ACTIONS:
        raise ValueError(f"unknown report action {action!r}")
    who = _who(CONTRIBUTE, user, report, roles)
    if not who or action == "comment":
        return who
    if report.status != ReportStatus.DRAFT:
        return _conflict(_draft_messages()[action](report))
    return ALLOWED


def require(action, user, report, **known):
    """Raise the refusal (ActionRefused or WorkflowError) unless allowed."""
    decide(action, user, report, **known).require()


def decide_create(user, workspace):
    """A new report in ``workspace``: contribute, not archived."""
    if user is SYSTEM:
        return ALLOWED
    if not (user.is_authenticated and user.has_perm(f"members.{PERM_VIEW}", workspace)):
        return _not_found()
    contribute, moderate = workspace_roles(user, workspace)
    return _role_decision(CONTRIBUTE, Roles(True, contribute, moderate, workspace.is_archived))


def decide_delete_comment(user, comment, roles=None):
    """Authors may take back their own words (even after a role change);
    managers and owners moderate. Never in an archived workspace."""
    if user is SYSTEM:
        return ALLOWED
    roles = roles or roles_of(user, comment.report)
    if not roles.member:
        return _not_found()
    if roles.archived or not (roles.moderate or comment.author_id == user.pk):
        return refuse(_("Only the author or a manager can remove this comment."), FORBIDDEN)
    return ALLOWED


# --- What a page offers ----------------------------------------------------------------


@dataclass(frozen=True)
class ReportAccess:
    """Every decision for one person and one report, as the template reads it
    (``access.submit``): built by ``decide``, so a button shows exactly when
    the service would act."""

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


def may_read_case_rows(user, workspace, tokens=None, perms=None):
    """The one rule for raw case rows of a workspace's reports: a person of the
    workspace (by audience token, so the MFA gate and a removed membership
    count at once) whose role works on the data. Reading, so an archived
    workspace does not change it."""
    tokens = audiences_for(user) if tokens is None else tokens
    return workspace_token(workspace.pk) in tokens and _has_perm(
        user, CASE_ROWS_PERMISSION, workspace, perms
    )


def report_access(user, report, tokens=None):
    tokens = audiences_for(user) if tokens is None else tokens
    if not can_see(user, report.audiences(), tokens):
        return NO_ACCESS
    # One read of the person's permissions for this whole answer, never kept
    # beyond it: a changed role counts at the next request.
    perms = workspace_perms(user, report.workspace) if user.is_authenticated else None
    roles = roles_of(user, report, tokens, perms)
    if not roles.member:
        return ReportAccess(view=True, view_totals=True)
    rows = may_read_case_rows(user, report.workspace, tokens, perms)
    writable = not roles.archived
    moderate = roles.moderate and writable
    # Asked once: the stage costs a query for reviewed reports, the four eyes one more.
    stage_now = stage(report)
    contributors = _cached_contributors(report)

    def allowed(action):
        return decide(
            action, user, report, roles=roles, stage_now=stage_now, contributors=contributors
        ).allowed

    review = allowed("review")
    return ReportAccess(
        view=True,
        member=True,
        edit=allowed("edit"),
        submit=allowed("submit"),
        review=review,
        reopen=allowed("reopen"),
        share=allowed(move_for("share", report, stage_now).name),
        withdraw=allowed(move_for("withdraw", report, stage_now).name),
        review_needs_second_person=(
            moderate and stage_now == SUBMITTED and not review and user.pk in contributors()
        ),
        share_pending=stage_now == AWAITING_OFFICE,
        comment=allowed("comment"),
        moderate=moderate,
        attach=allowed("attach"),
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


def readable_report(user, slug, report_id):
    """(report, access) when this person may open the report at this address;
    else ActionRefused with NOT_FOUND. The one lookup behind the report page
    and the members' API, so a report is missing in both or in neither (also
    for a slug that is not the report's workspace: addresses are not guessable)."""
    report = (
        MonitoringReport.objects.select_related("workspace")
        .filter(pk=report_id, workspace__slug=slug)
        .first()
    )
    access = report_access(user, report) if report is not None else NO_ACCESS
    if not access.view:
        raise ActionRefused(_("Not found."), status=NOT_FOUND)
    return report, access


def can_decide_share(user, report):
    """Approve or decline a report waiting for the office (the page's buttons):
    a network coordinator who did not write or change it."""
    return bool(decide_transition("decline_share", user, report, stage_now=AWAITING_OFFICE))


def can_delete_comment(user, comment, access):
    """For the page, from its ``access``: no further query per comment."""
    if not access.member:
        return False
    roles = Roles(True, False, access.moderate, access.report_workspace_archived)
    return bool(decide_delete_comment(user, comment, roles))
