"""What a membership change settles: the person's open invitations and join
requests to the workspace.

Joining one way leaves the other ways without a purpose (an invitation link,
a request waiting for a manager), and a person removed or leaving must not
come back through an old link. permissions, invitations and joining all
build on this module, so none of them needs another to close what is open.
"""

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from . import audit
from .models import Invitation, JoinRequest, JoinRequestStatus


def normalise_email(email):
    return (email or "").strip().lower()


@transaction.atomic
def revoke(invitation, *, actor, reason=""):
    """Make the link unusable. ``reason`` (replaced, joined, removed, left) is
    recorded when the portal revokes it on someone's behalf."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        return invitation
    invitation.revoked_at, invitation.revoked_by = timezone.now(), actor
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(
        actor,
        audit.INVITATION_REVOKED,
        target=invitation,
        workspace=invitation.workspace,
        **({"reason": reason} if reason else {}),
    )
    return invitation


def revoke_open(workspace, emails, *, actor, reason):
    """Revoke the workspace's open invitations to any of ``emails``."""
    emails = {normalise_email(email) for email in emails if email}
    if not emails:
        return
    stale = (
        Invitation.objects.annotate(email_lower=Lower("email"))
        .filter(workspace=workspace, email_lower__in=emails)
        .open()
        .order_by("pk")
    )
    for old in stale:
        revoke(old, actor=actor, reason=reason)


def emails_of(user, *, verified_only=False):
    """The addresses the person may receive invitations at: their login and
    the addresses they added to their account."""
    addresses = EmailAddress.objects.filter(user=user)
    if verified_only:
        addresses = addresses.filter(verified=True)
    return {
        normalise_email(user.email),
        *(normalise_email(email) for email in addresses.values_list("email", flat=True)),
    }


def revoke_open_for(workspace, user, *, actor, reason, verified_only=False):
    """Close the person's open invitations to the workspace. Called when they
    join another way (the link has no purpose left) and when they are removed
    or leave (an old link must not bring them back)."""
    emails = emails_of(user, verified_only=verified_only)
    revoke_open(workspace, emails, actor=actor, reason=reason)


def close_pending_requests(workspace, user):
    """The person joined another way (an invitation): nothing left to decide."""
    JoinRequest.objects.pending().filter(workspace=workspace, user=user).update(
        status=JoinRequestStatus.APPROVED, decided_at=timezone.now()
    )
