"""Who sees and who manages the service directory, and who sees and does
what on a referral (below): one function per action, in portal.core.policy's
Decision shape, asked by the pages, the services, the API, search and the
Wagtail admin alike.

- Anyone: the active providers marked ``public`` (get-help page, public
  search), never their internal notes.
- Network members (the ``network`` audience token: verified member
  organisations and coordinators, second factor passed): every active
  provider, with internal notes, on /services/ and in their search.
- Network coordinators and superusers: add and change providers in the admin.
  Nobody deletes one: a provider is deactivated, since the audit log (and
  the referrals to come) refer to it.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.core.audience import NETWORK, audiences_for, workspace_token
from portal.core.policy import ALLOWED, CONFLICT, NOT_FOUND, refuse
from portal.core.roles import is_network_coordinator
from portal.members.access import workspace_perms
from portal.members.models.workspaces import PERM_CONTRIBUTE

from .models import Referral, ServiceProvider
from .vocabulary import Status


def _in_network(user, tokens=None):
    tokens = audiences_for(user) if tokens is None else tokens
    return NETWORK in tokens


def can_view_directory(user, tokens=None):
    """The whole directory (/services/), internal notes included."""
    if _in_network(user, tokens):
        return ALLOWED
    # Outsiders may not learn which providers the network keeps unlisted.
    return refuse(
        _("The service directory is for people of verified member organisations."), NOT_FOUND
    )


def can_see_internal_notes(user, tokens=None):
    return can_view_directory(user, tokens)


def providers_visible_to(user, tokens=None):
    """The providers this person may see at all."""
    if _in_network(user, tokens):
        return ServiceProvider.objects.active()
    return ServiceProvider.objects.public()


def can_manage_directory(user):
    """Add, change and deactivate providers (Wagtail admin)."""
    if is_network_coordinator(user):
        return ALLOWED
    return refuse(_("Only network coordinators manage the service directory."))


# Referrals ---------------------------------------------------------------
#
# A referral is seen by the case workers of its two workspaces: people whose
# role there works on case data (member, manager, owner; never an observer),
# through the workspace's audience token, so the second-factor gate and a
# removed membership count at once. The recipient loses it at once when the
# sender revokes it, and when the recipient declines it. Coordinators see the
# metadata (parties, phase, status, dates) in the admin, never the case data,
# the needs, the thread or the documents.
#
# Refusals: NOT_FOUND wherever the person may not learn the referral exists
# (same answer as a made-up id); FORBIDDEN for a side that may see it but not
# act (an archived workspace); CONFLICT for an action that waits on the status.

RECIPIENT_SEES = (Status.PENDING, Status.ACCEPTED, Status.CLOSED)


@dataclass(frozen=True)
class Sides:
    sender: bool = False
    recipient: bool = False
    sender_archived: bool = False
    recipient_archived: bool = False

    @property
    def any(self):
        return self.sender or self.recipient


def is_case_worker(user, workspace, tokens=None):
    """A person whose role in ``workspace`` works on case data."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    tokens = audiences_for(user) if tokens is None else tokens
    if workspace_token(workspace.pk) not in tokens:
        return False
    return PERM_CONTRIBUTE in workspace_perms(user, workspace)


def sides(user, referral, tokens=None):
    tokens = audiences_for(user) if tokens is None else tokens
    sender = is_case_worker(user, referral.from_workspace, tokens)
    recipient = referral.status in RECIPIENT_SEES and is_case_worker(
        user, referral.to_workspace, tokens
    )
    return Sides(
        sender=sender,
        recipient=recipient,
        sender_archived=referral.from_workspace.archived_at is not None,
        recipient_archived=referral.to_workspace.archived_at is not None,
    )


def _not_found():
    return refuse(_("Not found."), NOT_FOUND)


def _archived():
    return refuse(_("This workspace is archived and read-only. An owner can restore it."))


def _status_conflict(message):
    return refuse(message, CONFLICT)


def can_view_referral(user, referral, known=None):
    s = known or sides(user, referral)
    return ALLOWED if s.any else _not_found()


def can_refer(user, case, tokens=None):
    """Refer this case record: a case worker of the workspace that holds it."""
    workspace = case.report.workspace
    tokens = audiences_for(user) if tokens is None else tokens
    if workspace_token(workspace.pk) not in tokens:
        return _not_found()
    if not is_case_worker(user, workspace, tokens):
        return refuse(_("Only case workers (members, managers, owners) refer cases."))
    if workspace.archived_at is not None:
        return _archived()
    return ALLOWED


def can_edit_referral(user, referral, known=None):
    """The sender changes what was asked while no one has answered yet."""
    s = known or sides(user, referral)
    if not s.sender:
        return _not_found() if not s.any else refuse(_("Only the referring side can change it."))
    if s.sender_archived:
        return _archived()
    if referral.status != Status.PENDING:
        return _status_conflict(
            _("This referral was answered: the referring side can no longer change it.")
        )
    return ALLOWED


def can_answer_referral(user, referral, known=None):
    """Accept or decline: a case worker of the receiving workspace."""
    s = known or sides(user, referral)
    if not s.recipient:
        return _not_found() if not s.any else refuse(_("Only the receiving side answers."))
    if s.recipient_archived:
        return _archived()
    if referral.status != Status.PENDING:
        return _status_conflict(_("This referral has already been answered."))
    return ALLOWED


def can_revoke_referral(user, referral, known=None):
    s = known or sides(user, referral)
    if not s.sender:
        return _not_found() if not s.any else refuse(_("Only the referring side can revoke it."))
    if s.sender_archived:
        return _archived()
    if referral.status not in (Status.PENDING, Status.ACCEPTED):
        return _status_conflict(_("Only an open referral can be revoked."))
    return ALLOWED


def can_close_referral(user, referral, known=None):
    """Closure, with the outcome: the receiving side, once it accepted."""
    s = known or sides(user, referral)
    if not s.recipient:
        return _not_found() if not s.any else refuse(_("Only the receiving side closes it."))
    if s.recipient_archived:
        return _archived()
    if referral.status != Status.ACCEPTED:
        return _status_conflict(_("Only an accepted referral can be closed."))
    return ALLOWED


def _either_side_while(referral, s, statuses, message):
    if not s.any:
        return _not_found()
    if (s.sender and s.sender_archived) and not s.recipient:
        return _archived()
    if (s.recipient and s.recipient_archived) and not s.sender:
        return _archived()
    if referral.status not in statuses:
        return _status_conflict(message)
    return ALLOWED


def can_post_message(user, referral, known=None):
    s = known or sides(user, referral)
    return _either_side_while(
        referral,
        s,
        (Status.PENDING, Status.ACCEPTED),
        _("The thread is closed: this referral is no longer open."),
    )


def can_record_step(user, referral, known=None):
    s = known or sides(user, referral)
    return _either_side_while(
        referral,
        s,
        (Status.ACCEPTED,),
        _("Follow-up steps are recorded once the referral is accepted and until it is closed."),
    )


def can_upload_document(user, referral, known=None):
    s = known or sides(user, referral)
    return _either_side_while(
        referral,
        s,
        (Status.PENDING, Status.ACCEPTED),
        _("Documents can be added while the referral is open."),
    )


def can_view_referral_metadata(user):
    """Coordinators: parties, phase, status and dates of every referral."""
    if is_network_coordinator(user):
        return ALLOWED
    return refuse(_("Only network coordinators see the network's referrals."))


@dataclass(frozen=True)
class ReferralAccess:
    """Every action on one referral for one person, from the functions above,
    so a page shows a button exactly when the service would act."""

    sides: Sides
    view: bool
    edit: bool
    answer: bool
    revoke: bool
    close: bool
    message: bool
    step: bool
    upload: bool


def referral_access(user, referral):
    s = sides(user, referral)
    return ReferralAccess(
        sides=s,
        view=bool(can_view_referral(user, referral, s)),
        edit=bool(can_edit_referral(user, referral, s)),
        answer=bool(can_answer_referral(user, referral, s)),
        revoke=bool(can_revoke_referral(user, referral, s)),
        close=bool(can_close_referral(user, referral, s)),
        message=bool(can_post_message(user, referral, s)),
        step=bool(can_record_step(user, referral, s)),
        upload=bool(can_upload_document(user, referral, s)),
    )


def referrals_of_workspace(user, workspace, tokens=None):
    """The referrals a case worker of ``workspace`` sees in its list: sent
    from it, and received by it while the recipient may see them. Nothing
    for anyone else (observers included)."""
    if not is_case_worker(user, workspace, tokens):
        return Referral.objects.none()
    return Referral.objects.filter(
        Q(from_workspace=workspace) | Q(to_workspace=workspace, status__in=RECIPIENT_SEES)
    ).select_related("provider", "from_organisation", "to_organisation", "from_workspace")


def readable_referral(user, referral_id, workspace=None):
    """(referral, access) for a person who may open it; ActionRefused
    (NOT_FOUND) otherwise, the same for a made-up id. With ``workspace``, the
    referral must involve it (addresses are not guessable across workspaces)."""
    from portal.core.policy import ActionRefused

    query = Referral.objects.select_related(
        "from_workspace", "to_workspace", "provider", "from_organisation", "to_organisation"
    ).filter(pk=referral_id)
    if workspace is not None:
        query = query.filter(Q(from_workspace=workspace) | Q(to_workspace=workspace))
    referral = query.first()
    if referral is None:
        raise ActionRefused(_("Not found."), status=NOT_FOUND)
    access = referral_access(user, referral)
    if not access.view:
        raise ActionRefused(_("Not found."), status=NOT_FOUND)
    return referral, access


def can_view_referral_statistics(user, tokens=None):
    """The referral figures of the network statistics page: people who make
    and receive referrals (a case worker in some workspace of the network)
    and the coordinators. Observers, who see no referral anywhere, and people
    outside the network get none: not even counts of which corridors are used."""
    from portal.core.audience import workspace_ids
    from portal.members.models import Workspace

    tokens = audiences_for(user) if tokens is None else tokens
    if NETWORK not in tokens:
        return _not_found()
    if is_network_coordinator(user):
        return ALLOWED
    workspaces = Workspace.objects.filter(pk__in=workspace_ids(tokens))
    if any(is_case_worker(user, workspace, tokens) for workspace in workspaces):
        return ALLOWED
    return refuse(_("Referral figures are for case workers and network coordinators."))
