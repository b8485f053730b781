"""Invitations: a manager invites an email address with a role; the person
follows the link, signs up (or in) and becomes a member.

The token is random and only its SHA-256 is stored; it works once, expires
after PORTAL_INVITATION_DAYS and can be revoked. The link is bound to its
address: only an account that already proved it reads that mailbox (its login
address, or an address allauth holds as verified) may accept, or a new account
created from the link itself. Holding the link proves nothing about an
existing account: a link forwarded, leaked or read over a shoulder must not
let another account join, nor turn an address someone merely typed into their
account into a verified one. Sending is counted per person
(``workspace.invite`` in PORTAL_RATE_LIMITS).
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.core import ratelimit

from . import audit, notifications
from .models import Invitation, Membership, Role, Workspace
from .models.invitations import hash_token, new_token
from .pending import close_pending_requests, normalise_email, revoke_open
from .permissions import set_membership

# Higher wins when an invitation meets an existing membership.
ROLE_RANK = {Role.OBSERVER: 0, Role.MEMBER: 1, Role.MANAGER: 2, Role.OWNER: 3}


class InvitationError(Exception):
    """Something the person can fix; the message says what."""


class TooManyInvitations(InvitationError):
    """The sender hit the ``workspace.invite`` limit; nothing was sent."""

    def __init__(self, retry_after):
        self.retry_after = retry_after
        super().__init__(
            ngettext(
                "You have sent many invitations in a short time. Nothing was sent: try again "
                "in %(seconds)s second.",
                "You have sent many invitations in a short time. Nothing was sent: try again "
                "in %(seconds)s seconds.",
                retry_after,
            )
            % {"seconds": retry_after}
        )


def _count_invitation(actor):
    """Each mailed invitation reaches a stranger's mailbox in the portal's name:
    a stolen or careless account must not turn the portal into a mailer."""
    if actor is None:
        return
    outcome = ratelimit.consume("workspace.invite", key=actor.pk)
    if not outcome.allowed:
        raise TooManyInvitations(outcome.retry_after)


def expiry():
    return timezone.now() + timedelta(days=settings.PORTAL_INVITATION_DAYS)


def member_with_email(workspace, email):
    return Membership.objects.filter(
        workspace=workspace, user__email__iexact=normalise_email(email)
    ).exists()


def account_for(email):
    """The account that owns ``email`` (its login or a verified address)."""
    email = normalise_email(email)
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        address = (
            EmailAddress.objects.filter(email__iexact=email, verified=True)
            .select_related("user")
            .first()
        )
        user = address.user if address else None
    return user


def belongs_to(user, email):
    """``user`` has proved they read mail at ``email``: it is their verified
    address, or their login address that allauth does not hold as unverified.
    An address merely added to an account proves nothing: anyone can type any
    address there."""
    email = normalise_email(email)
    addresses = EmailAddress.objects.filter(user=user, email__iexact=email)
    if addresses.filter(verified=True).exists():
        return True
    return normalise_email(user.email) == email and not addresses.exists()


def release_unproven_claims(email):
    """Remove ``email`` from accounts that added it but never confirmed it.

    Called when a new account is made from an invitation link, the only proof
    of the address anyone has: otherwise an attacker who typed the invited
    address into their own account would lock the invited person out (allauth
    refuses a signup for an address any account holds). Login addresses are
    left alone; those accounts are asked to sign in instead."""
    EmailAddress.objects.filter(email__iexact=normalise_email(email), verified=False).exclude(
        user__email__iexact=normalise_email(email)
    ).delete()


def holds_unverified(user, email):
    """The person added ``email`` to their account but never confirmed it: the
    wrong-account page then tells them to confirm it first."""
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=False).exists()


def _check_invitable(workspace, email, role):
    if Role(role) == Role.OWNER:
        raise InvitationError(_("Ownership cannot be given by invitation; transfer it instead."))
    if member_with_email(workspace, email):
        raise InvitationError(_("This person is already a member of the workspace."))


def create_invitation(workspace, email, role, *, actor):
    """Record an invitation without mailing it. Returns (invitation, token);
    the token exists nowhere else, so mail it or show it now."""
    email = normalise_email(email)
    role = Role(role)
    _check_invitable(workspace, email, role)
    token = new_token()
    with transaction.atomic():
        # One invitation change at a time per workspace: a double submit waits
        # here instead of tripping the one-open-invitation constraint.
        Workspace.objects.select_for_update().filter(pk=workspace.pk).first()
        # Inviting again replaces an older invitation: only the newest link works.
        revoke_open(workspace, [email], actor=actor, reason="replaced")
        invitation = Invitation.objects.create(
            workspace=workspace,
            email=email,
            role=role,
            token_hash=hash_token(token),
            invited_by=actor,
            expires_at=expiry(),
        )
        audit.record(
            actor,
            audit.INVITATION_SENT,
            target=invitation,
            workspace=workspace,
            role=role.value,
        )
    return invitation, token


def invite(workspace, email, role, *, actor):
    """Create an invitation and mail it at once. Returns (invitation, mailed).
    Raises TooManyInvitations (nothing saved, nothing sent) past the limit."""
    # A mistake the form reports (already a member…) does not use up the limit.
    _check_invitable(workspace, normalise_email(email), role)
    _count_invitation(actor)
    invitation, token = create_invitation(workspace, email, role, actor=actor)
    return invitation, notifications.send_invitation(invitation, token)


def resend(invitation, *, actor):
    """Send a new link with a fresh expiry date. The old invitation is revoked
    (its link then says it was replaced) and a new one takes its place."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at or invitation.revoked_at:
            raise InvitationError(_("This invitation has been used or revoked; send a new one."))
        _count_invitation(actor)
        replacement, token = create_invitation(
            invitation.workspace, invitation.email, invitation.role, actor=actor
        )
    return replacement, notifications.send_invitation(replacement, token)


ARCHIVED_MESSAGE = _(
    "This workspace is archived and does not take new members. If you still need access, "
    "ask the person who invited you."
)


def can_be_accepted(invitation):
    """The link still works: pending, and its workspace still takes members."""
    return invitation.is_pending and not invitation.workspace.is_archived


def find(token):
    """The invitation a link points to (in any state), or None."""
    if not token or len(token) > 200:
        return None
    return Invitation.objects.with_token(token).select_related("workspace").first()


WRONG_ACCOUNT_MESSAGE = _(
    "This invitation was sent to an address this account has not confirmed. Sign in with the "
    "invited address, or confirm that address in your account first."
)


@transaction.atomic
def accept(invitation, user, *, new_account=False):
    """Make ``user`` a member as the invitation says. The caller has checked
    that the person holds the token; this checks everything else.

    ``new_account``: the account was created from this link in this request,
    with the invited address fixed, so the link is its proof of the address."""
    invitation = (
        Invitation.objects.select_for_update().select_related("workspace").get(pk=invitation.pk)
    )
    if not invitation.is_pending:
        raise InvitationError(_("This invitation can no longer be used."))
    # Archived means read-only: nobody joins until it is restored.
    if invitation.workspace.is_archived:
        raise InvitationError(ARCHIVED_MESSAGE)
    workspace = invitation.workspace
    if new_account and normalise_email(user.email) == normalise_email(invitation.email):
        # Only the mail's reader could open the signup this link led to.
        EmailAddress.objects.update_or_create(
            user=user,
            email__iexact=invitation.email,
            defaults={"email": user.email, "verified": True, "primary": True},
        )
    elif not belongs_to(user, invitation.email):
        # Never verify an existing account's address here: whoever holds the
        # link could have added the invited address to their own account.
        raise InvitationError(WRONG_ACCOUNT_MESSAGE)

    # Used before the membership is added: joining revokes the person's other
    # open invitations to this workspace, and this one must count as accepted.
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    membership = Membership.objects.filter(workspace=workspace, user=user).first()
    role = Role(invitation.role)
    if membership is None or ROLE_RANK[Role(membership.role)] < ROLE_RANK[role]:
        set_membership(workspace, user, role, actor=user, via="invitation")
    audit.record(
        user,
        audit.INVITATION_ACCEPTED,
        target=invitation,
        workspace=workspace,
        role=invitation.role,
    )
    # A person who had also asked to join needs no decision any more.
    close_pending_requests(workspace, user)
    return workspace
