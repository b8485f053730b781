"""Invitations: a manager invites an email address with a role; the person
follows the link, signs up (or in) and becomes a member.

The token is random and only its SHA-256 is stored; it works once, expires
after PORTAL_INVITATION_DAYS and can be revoked. Accepting marks the invited
address verified (the person proved they read its mail) and adds the
membership through portal.members.permissions.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import audit, notifications
from .models import Invitation, Membership, Role, Workspace
from .models.invitations import hash_token, new_token
from .permissions import set_membership

# Higher wins when an invitation meets an existing membership.
ROLE_RANK = {Role.OBSERVER: 0, Role.MEMBER: 1, Role.MANAGER: 2, Role.OWNER: 3}


class InvitationError(Exception):
    """Something the person can fix; the message says what."""


def normalise_email(email):
    return (email or "").strip().lower()


def expiry():
    return timezone.now() + timedelta(days=settings.PORTAL_INVITATION_DAYS)


def member_with_email(workspace, email):
    return Membership.objects.filter(
        workspace=workspace, user__email__iexact=normalise_email(email)
    ).exists()


def account_for(email):
    """The active account that owns ``email`` (its login or a verified address)."""
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
    email = normalise_email(email)
    return (
        user.email.lower() == email
        or EmailAddress.objects.filter(user=user, email__iexact=email).exists()
    )


def _revoke_open(workspace, emails, *, actor, request, reason):
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
        revoke(old, actor=actor, request=request, reason=reason)


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


def revoke_open_for(workspace, user, *, actor, request=None, reason, verified_only=False):
    """Close the person's open invitations to the workspace. Called when they
    join another way (the link has no purpose left) and when they are removed
    or leave (an old link must not bring them back)."""
    emails = emails_of(user, verified_only=verified_only)
    _revoke_open(workspace, emails, actor=actor, request=request, reason=reason)


def create_invitation(workspace, email, role, *, actor, request=None):
    """Record an invitation without mailing it. Returns (invitation, token);
    the token exists nowhere else, so mail it or show it now."""
    email = normalise_email(email)
    role = Role(role)
    if role == Role.OWNER:
        raise InvitationError(_("Ownership cannot be given by invitation; transfer it instead."))
    if member_with_email(workspace, email):
        raise InvitationError(_("This person is already a member of the workspace."))
    token = new_token()
    with transaction.atomic():
        # One invitation change at a time per workspace: a double submit waits
        # here instead of tripping the one-open-invitation constraint.
        Workspace.objects.select_for_update().filter(pk=workspace.pk).first()
        # Inviting again replaces an older invitation: only the newest link works.
        _revoke_open(workspace, [email], actor=actor, request=request, reason="replaced")
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
            request=request,
            role=role.value,
        )
    return invitation, token


def invite(workspace, email, role, *, actor, request=None):
    """Create an invitation and mail it at once. Returns (invitation, mailed)."""
    invitation, token = create_invitation(workspace, email, role, actor=actor, request=request)
    return invitation, notifications.send_invitation(invitation, token, request)


def resend(invitation, *, actor, request=None):
    """Send a new link with a fresh expiry date. The old invitation is revoked
    (its link then says it was replaced) and a new one takes its place."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at or invitation.revoked_at:
            raise InvitationError(_("This invitation has been used or revoked; send a new one."))
        replacement, token = create_invitation(
            invitation.workspace, invitation.email, invitation.role, actor=actor, request=request
        )
    return replacement, notifications.send_invitation(replacement, token, request)


@transaction.atomic
def revoke(invitation, *, actor, request=None, reason=""):
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
        request=request,
        **({"reason": reason} if reason else {}),
    )
    return invitation


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


@transaction.atomic
def accept(invitation, user, *, request=None):
    """Make ``user`` a member as the invitation says. The caller has checked
    that the person holds the token; this checks everything else."""
    invitation = (
        Invitation.objects.select_for_update().select_related("workspace").get(pk=invitation.pk)
    )
    if not invitation.is_pending:
        raise InvitationError(_("This invitation can no longer be used."))
    # Archived means read-only: nobody joins until it is restored.
    if invitation.workspace.is_archived:
        raise InvitationError(ARCHIVED_MESSAGE)
    if not belongs_to(user, invitation.email):
        raise InvitationError(
            _("This invitation was sent to another email address than the one you signed in with.")
        )
    workspace = invitation.workspace
    # Following the link proves the person reads mail at this address.
    address = EmailAddress.objects.filter(user=user, email__iexact=invitation.email).first()
    if address is None:
        EmailAddress.objects.create(
            user=user,
            email=invitation.email,
            verified=True,
            primary=not EmailAddress.objects.filter(user=user, primary=True).exists(),
        )
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])

    # Used before the membership is added: joining revokes the person's other
    # open invitations to this workspace, and this one must count as accepted.
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    membership = Membership.objects.filter(workspace=workspace, user=user).first()
    role = Role(invitation.role)
    if membership is None or ROLE_RANK[Role(membership.role)] < ROLE_RANK[role]:
        set_membership(workspace, user, role, actor=user, request=request, via="invitation")
    audit.record(
        user,
        audit.INVITATION_ACCEPTED,
        target=invitation,
        workspace=workspace,
        request=request,
        role=invitation.role,
    )
    # A person who had also asked to join needs no decision any more.
    from .joining import close_pending_requests

    close_pending_requests(workspace, user)
    return workspace
