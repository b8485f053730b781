"""Mail about a referral to the case workers of the other side.

Sent whatever a person chose for discussion mail: a referral may be about a
person at risk now, and the answer has a deadline. Mailboxes leak, so a
message says only the reference, the organisations, the urgency and the
deadline, with a link that needs a sign-in: never the case data, the needs or
a message's words.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from portal.core import request_context
from portal.members.mail import absolute_url, render_message, send_messages
from portal.members.models.workspaces import Role

SENT = "sent"
ACCEPTED = "accepted"
DECLINED = "declined"
REVOKED = "revoked"
CLOSED = "closed"
MESSAGE = "message"

# Which side hears of each event (the other one did it).
_TO_RECIPIENT = {SENT, REVOKED}
_TO_SENDER = {ACCEPTED, DECLINED, CLOSED}

CASE_WORKER_ROLES = (Role.OWNER, Role.MANAGER, Role.MEMBER)


def case_workers(workspace, *, exclude=None):
    users = (
        get_user_model()
        .objects.filter(
            memberships__workspace=workspace,
            memberships__role__in=CASE_WORKER_ROLES,
            is_active=True,
        )
        .exclude(email="")
    )
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.order_by("pk").distinct()


def detail_url(referral, workspace):
    return absolute_url(
        reverse(
            "workspace_referrals:detail",
            kwargs={"slug": workspace.slug, "referral_id": referral.pk},
        )
    )


def messages_for(referral, event, *, actor=None, author_workspace=None):
    if event == MESSAGE:
        # The side that did not write hears of it.
        to_sender = author_workspace is not None and author_workspace != referral.from_workspace
        workspace = referral.from_workspace if to_sender else referral.to_workspace
    elif event in _TO_RECIPIENT:
        workspace = referral.to_workspace
    elif event in _TO_SENDER:
        workspace = referral.from_workspace
    else:
        raise ValueError(event)
    context = {
        "event": event,
        "reference": referral.reference,
        "from_name": referral.from_organisation.name if referral.from_organisation else "",
        "to_name": referral.provider.display_name,
        "urgency": referral.get_urgency_display(),
        "due_at": referral.due_at,
        "url": detail_url(referral, workspace),
    }
    return [
        render_message("referrals/email/referral", context, user.email)
        for user in case_workers(workspace, exclude=actor)
    ]


def send(referral_id, event, actor_id=None, author_workspace_id=None):
    from .models import Referral

    referral = (
        Referral.objects.select_related(
            "from_workspace", "to_workspace", "provider", "from_organisation"
        )
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        return 0
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    author_workspace = None
    if author_workspace_id:
        author_workspace = (
            referral.from_workspace
            if author_workspace_id == referral.from_workspace_id
            else referral.to_workspace
        )
    return send_messages(
        messages_for(referral, event, actor=actor, author_workspace=author_workspace)
    )


def after_commit(referral, event, *, actor=None, author_workspace=None):
    """Mail once the change has committed (never for one rolled back), with
    the links of the request that made it; never to the person who acted."""
    context = request_context.current()
    actor_id = actor.pk if actor is not None else None
    referral_id = referral.pk
    author_id = author_workspace.pk if author_workspace is not None else None

    def deliver():
        with request_context.using(context):
            send(referral_id, event, actor_id, author_id)

    # robust: a mail that fails (or a link that cannot be built) is logged,
    # never raised into the person's request after their change committed.
    transaction.on_commit(deliver, robust=True)
