"""Email notifications: invitations (always at once), new discussions and
comments (at once or in a daily digest, as each person chooses) and join
request decisions. See mail.py for what a message may contain."""

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from portal.core.digest_sections import digest_sections

from .mail import absolute_url, render_message, send_messages
from .models import (
    Activity,
    Frequency,
    Membership,
    NotificationPreference,
    Role,
    Verb,
    Workspace,
)
from .models.notifications import DEFAULT_FREQUENCY

# Mailed at once to those who chose so; the daily digest also lists uploads.
NOTIFY_VERBS = frozenset({Verb.DISCUSSION_STARTED, Verb.COMMENTED})
DIGEST_VERBS = frozenset({Verb.DISCUSSION_STARTED, Verb.COMMENTED, Verb.FILE_UPLOADED})

# A first digest (no earlier one to continue from) covers this much.
FIRST_DIGEST_PERIOD = timedelta(days=1)


def frequency_of(user):
    pref = NotificationPreference.objects.filter(user=user).first()
    return pref.frequency if pref else DEFAULT_FREQUENCY


@transaction.atomic
def set_frequency(user, frequency):
    pref, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    if frequency == Frequency.DAILY and pref.frequency != Frequency.DAILY:
        # What happened before was already mailed one by one (or not wanted).
        pref.digest_sent_until = timezone.now()
    pref.frequency = frequency
    pref.save()
    return pref


def _immediate_recipients(activity):
    wants_immediate = Q(notification_preference__frequency=Frequency.IMMEDIATE)
    if DEFAULT_FREQUENCY == Frequency.IMMEDIATE:
        wants_immediate |= Q(notification_preference__isnull=True)
    users = (
        get_user_model()
        .objects.filter(memberships__workspace_id=activity.workspace_id, is_active=True)
        .filter(wants_immediate)
        .exclude(email="")
    )
    if activity.actor_id:
        users = users.exclude(pk=activity.actor_id)
    return users.order_by("pk")


def send_immediate(activity_id):
    """Mail a new discussion or comment to members who want it at once."""
    activity = (
        Activity.objects.select_related("workspace", "discussion", "comment")
        .filter(pk=activity_id)
        .first()
    )
    if activity is None or activity.discussion is None or activity.discussion.is_hidden:
        return 0
    if activity.verb == Verb.COMMENTED:
        template, target = "members/email/new_comment", activity.comment
    else:
        template, target = "members/email/new_discussion", activity.discussion
    if target is None:
        return 0
    context = {
        "workspace_name": activity.workspace.name,
        "discussion_title": activity.discussion.title,
        "url": absolute_url(target.get_absolute_url()),
        "preferences_url": absolute_url(reverse("members:notification_settings")),
    }
    messages = [
        render_message(template, context, user.email) for user in _immediate_recipients(activity)
    ]
    return send_messages(messages)


def send_invitation(invitation, token):
    """The invitation mail, sent at once. Returns True when it went out."""
    url = absolute_url(reverse("members:invitation_accept", kwargs={"token": token}))
    # A stranger's mailbox gets a link: saying who sends it (a person and an
    # NGO the reader may know) is what tells it from phishing.
    inviter = invitation.invited_by
    organisation = getattr(inviter, "organisation", None)
    message = render_message(
        "members/email/invitation",
        {
            "workspace_name": invitation.workspace.name,
            # The name, never the sender's address: mailboxes leak (mail.py).
            "inviter": inviter.get_full_name() if inviter else "",
            "organisation": organisation.name if organisation else "",
            "url": url,
            "expires_at": invitation.expires_at,
        },
        invitation.email,
    )
    return send_messages([message]) == 1


def send_coordinator_self_added(workspace_id, coordinator_id, role):
    """Tell the workspace's owners, at once and whatever their digest choice,
    that a network coordinator gave themselves access: nobody inside the
    workspace decided it, so they must be able to object."""
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    coordinator = get_user_model().objects.filter(pk=coordinator_id).first()
    if workspace is None or coordinator is None:
        return 0
    owners = (
        get_user_model()
        .objects.filter(
            memberships__workspace=workspace, memberships__role=Role.OWNER, is_active=True
        )
        .exclude(pk=coordinator.pk)
        .exclude(email="")
        .order_by("pk")
    )
    context = {
        "workspace_name": workspace.name,
        "coordinator": coordinator.get_full_name() or coordinator.email,
        "coordinator_email": coordinator.email,
        "role": Role(role).label,
        "url": absolute_url(reverse("members:member_list", kwargs={"slug": workspace.slug})),
    }
    return send_messages(
        [
            render_message("members/email/coordinator_self_added", context, owner.email)
            for owner in owners
        ]
    )


def send_join_decision(join_request):
    message = render_message(
        "members/email/join_decision",
        {
            "workspace_name": join_request.workspace.name,
            "approved": join_request.status == "approved",
            "url": absolute_url(join_request.workspace.get_absolute_url()),
            "list_url": absolute_url(reverse("members:workspace_list")),
        },
        join_request.user.email,
    )
    return send_messages([message]) == 1


# --- Daily digests -----------------------------------------------------------


@dataclass
class WorkspaceDigest:
    name: str
    url: str
    new_discussions: list = field(default_factory=list)  # (title, url)
    comments: "OrderedDict[int, list]" = field(default_factory=OrderedDict)  # id -> [title, url, n]
    files: int = 0
    # What other apps add (portal.core.digest_sections): [(title, [DigestItem])]
    sections: list = field(default_factory=list)

    @property
    def comment_threads(self):
        return list(self.comments.values())

    @property
    def comment_count(self):
        return sum(n for _title, _url, n in self.comments.values())


def build_digest(user, since, until):
    """What happened in the person's workspaces in (since, until], excluding what
    they did themselves, what moderators hid, and anything before they joined."""
    joined = dict(
        Membership.objects.filter(user=user, workspace__archived_at__isnull=True).values_list(
            "workspace_id", "joined_at"
        )
    )
    if not joined:
        return []
    after_joining = Q()
    for workspace_id, joined_at in joined.items():
        after_joining |= Q(workspace_id=workspace_id, created_at__gte=joined_at)
    activities = (
        Activity.objects.filter(after_joining)
        .filter(created_at__gt=since, created_at__lte=until, verb__in=DIGEST_VERBS)
        .exclude(actor=user)
        .visible_to(frozenset())
        .select_related("workspace", "discussion")
        .order_by("workspace__name", "created_at", "id")
    )
    digests = OrderedDict()
    for activity in activities:
        workspace = activity.workspace
        digest = digests.get(workspace.pk)
        if digest is None:
            digest = digests[workspace.pk] = WorkspaceDigest(
                name=workspace.name, url=absolute_url(workspace.get_absolute_url())
            )
        if activity.verb == Verb.FILE_UPLOADED:
            digest.files += 1
            continue
        discussion = activity.discussion
        url = absolute_url(
            reverse(
                "members:discussion_detail",
                kwargs={"slug": workspace.slug, "discussion_id": discussion.pk},
            )
        )
        if activity.verb == Verb.DISCUSSION_STARTED:
            digest.new_discussions.append((discussion.title, url))
        else:
            entry = digest.comments.setdefault(discussion.pk, [discussion.title, url, 0])
            entry[2] += 1
    if _add_sections(user, since, until, set(joined), digests):
        order = Workspace.objects.filter(pk__in=list(digests)).order_by("name").values_list("pk")
        return [digests[pk] for (pk,) in order]
    return list(digests.values())


def _add_sections(user, since, until, workspace_ids, digests):
    """Put the registered sections' items under their workspaces' headings;
    an item for a workspace the person is not in is dropped. True when a
    workspace was added."""
    added = False
    # The lines are written now, so in the mail's language (render_message).
    with translation.override(settings.LANGUAGE_CODE):
        for _name, section in digest_sections():
            per_workspace = OrderedDict()
            for item in section.items(user, since, until):
                if item.workspace_id in workspace_ids:
                    per_workspace.setdefault(item.workspace_id, []).append(item)
            if not per_workspace:
                continue
            missing = set(per_workspace) - set(digests)
            for workspace in Workspace.objects.filter(pk__in=missing):
                digests[workspace.pk] = WorkspaceDigest(
                    name=workspace.name, url=absolute_url(workspace.get_absolute_url())
                )
                added = True
            for workspace_id, items in per_workspace.items():
                digests[workspace_id].sections.append((section.title, items))
    return added


def digest_message(user, digests, since, until):
    return render_message(
        "members/email/digest",
        {
            "workspaces": digests,
            "since": since,
            "until": until,
            "preferences_url": absolute_url(reverse("members:notification_settings")),
        },
        user.email,
    )


def digest_recipients():
    return (
        NotificationPreference.objects.filter(
            frequency=Frequency.DAILY, user__is_active=True, user__memberships__isnull=False
        )
        .select_related("user")
        .distinct()
        .order_by("user__email")
    )


def send_digest(pref_id, until):
    """Send one person's digest for the period ending at ``until`` and remember
    it, in one transaction: a rerun for the same period sends nothing.

    Returns (status, number of workspaces): "sent", "nothing", "done" (this
    period was covered already) or "failed"."""
    with transaction.atomic():
        pref = (
            NotificationPreference.objects.select_for_update()
            .select_related("user")
            .get(pk=pref_id)
        )
        since = pref.digest_sent_until or (until - FIRST_DIGEST_PERIOD)
        if since >= until:
            return "done", 0
        digests = build_digest(pref.user, since, until)
        if digests:
            sent = send_messages([digest_message(pref.user, digests, since, until)])
            if not sent:
                return "failed", len(digests)
        pref.digest_sent_until = until
        pref.save(update_fields=["digest_sent_until", "updated_at"])
        return ("sent" if digests else "nothing"), len(digests)
