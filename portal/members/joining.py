"""Join requests: people of verified member organisations see the names of
workspaces listed to the network and may ask to join; managers decide.

Each request lands in the managers' queue and mailbox, so asking is counted
per person (``workspace.join_request`` in PORTAL_RATE_LIMITS): enough to ask
the few workspaces one works with, not to sweep the directory."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.core import ratelimit

from . import audit, notifications
from .audience import is_network_member
from .models import JoinRequest, JoinRequestStatus, Membership, Role, Workspace
from .permissions import set_membership


class JoinRequestError(Exception):
    """Something the person can understand; the message says what."""


class TooManyJoinRequests(JoinRequestError):
    """The person hit the ``workspace.join_request`` limit; nothing was sent."""

    def __init__(self, retry_after):
        self.retry_after = retry_after
        super().__init__(
            ngettext(
                "You have asked to join many workspaces in a short time. Your request was not "
                "sent: try again in %(seconds)s second.",
                "You have asked to join many workspaces in a short time. Your request was not "
                "sent: try again in %(seconds)s seconds.",
                retry_after,
            )
            % {"seconds": retry_after}
        )


def directory_for(user):
    """Workspaces listed to the network (names only), with the person's own
    membership and pending request marked, in two queries."""
    workspaces = list(Workspace.objects.network_directory().only("pk", "slug", "name"))
    mine = set(
        Membership.objects.filter(user=user, workspace__in=workspaces).values_list(
            "workspace_id", flat=True
        )
    )
    asked = set(
        JoinRequest.objects.pending()
        .filter(user=user, workspace__in=workspaces)
        .values_list("workspace_id", flat=True)
    )
    for workspace in workspaces:
        workspace.is_mine = workspace.pk in mine
        workspace.has_asked = workspace.pk in asked
    return workspaces


def joinable_workspace(user, slug):
    """The workspace behind a join link, or None. Private and archived
    workspaces look exactly like missing ones."""
    if not is_network_member(user):
        return None
    return Workspace.objects.network_directory().filter(slug=slug).first()


@transaction.atomic
def request_to_join(workspace, user, message=""):
    # Serialise requests per workspace so a double submit cannot create two.
    Workspace.objects.select_for_update().filter(pk=workspace.pk).first()
    if Membership.objects.filter(workspace=workspace, user=user).exists():
        raise JoinRequestError(_("You are already a member of this workspace."))
    existing = JoinRequest.objects.pending().filter(workspace=workspace, user=user).first()
    if existing is not None:
        return existing
    outcome = ratelimit.consume("workspace.join_request", key=user.pk)
    if not outcome.allowed:
        raise TooManyJoinRequests(outcome.retry_after)
    join_request = JoinRequest.objects.create(
        workspace=workspace, user=user, message=(message or "").strip()
    )
    audit.record(user, audit.JOIN_REQUESTED, target=join_request, workspace=workspace)
    return join_request


def decide(join_request, *, approve, actor, role=Role.MEMBER):
    """Approve (adding the membership with ``role``) or decline; tells the
    person by email. Deciding twice is refused."""
    with transaction.atomic():
        join_request = (
            JoinRequest.objects.select_for_update()
            .select_related("workspace", "user")
            .get(pk=join_request.pk)
        )
        if join_request.status != JoinRequestStatus.PENDING:
            raise JoinRequestError(_("Someone has already answered this request."))
        workspace = join_request.workspace
        if approve:
            role = Role(role)
            if role == Role.OWNER:
                raise JoinRequestError(_("Ownership can only be transferred, not granted."))
            if not Membership.objects.filter(workspace=workspace, user=join_request.user).exists():
                set_membership(workspace, join_request.user, role, actor=actor, via="join_request")
        join_request.status = JoinRequestStatus.APPROVED if approve else JoinRequestStatus.DECLINED
        join_request.decided_at, join_request.decided_by = timezone.now(), actor
        join_request.save(update_fields=["status", "decided_at", "decided_by"])
        audit.record(
            actor,
            audit.JOIN_APPROVED if approve else audit.JOIN_DECLINED,
            target=join_request,
            workspace=workspace,
            **({"role": Role(role).value} if approve else {}),
        )
    notifications.send_join_decision(join_request)
    return join_request
