"""My workspaces: where members land after signing in, with what changed in
each of their workspaces since their previous visit there.

The counts come from the activity stream (activity.py), read the way the
workspace overview shows it to an ordinary member: only the person's own
memberships, only active workspaces, nothing from before they joined, nothing
moderators hid, nothing the person did themselves. One query for all
workspaces: conditional counts over one join, never a query per workspace.
"""

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from portal.core.roles import is_editor, is_network_coordinator

from .models import JoinRequest, Membership, Verb
from .models.workspaces import PERM_MODERATE
from .permissions import ROLE_PERMISSIONS

# Dashboard lines: category -> (lookup on Activity, value). Reports register
# their verbs from their own app (reports/apps.py, all "report_…"); matching
# the prefix keeps members free of imports from reports.
CATEGORIES = {
    "discussions": ("verb", Verb.DISCUSSION_STARTED),
    "comments": ("verb", Verb.COMMENTED),
    "files": ("verb", Verb.FILE_UPLOADED),
    "reports": ("verb__startswith", "report_"),
    "members": ("verb", Verb.MEMBER_JOINED),
}


def dashboard_for(user):
    """The person's memberships of active workspaces, each with ``news``: a
    dict category -> how many things others did there since the person's
    previous visit (or since joining, before a first visit), and for managers
    and owners "requests": requests to join waiting for their answer."""
    a = "workspace__activities__"
    news = (
        Q(**{f"{a}created_at__gt": Coalesce(F("last_visited_at"), F("joined_at"))})
        # Someone else's doing: the person knows what they did themselves.
        & ~Q(**{f"{a}actor_id": user.pk})
        # Hidden by moderators: gone for members, and not news for moderators.
        & Q(**{f"{a}discussion__hidden_at__isnull": True})
        & Q(**{f"{a}comment__hidden_at__isnull": True})
    )
    counts = {
        f"new_{name}": Count(f"{a}id", filter=news & Q(**{a + lookup: value}))
        for name, (lookup, value) in CATEGORIES.items()
    }
    # Waiting requests to join, for those who decide them (a subquery: a
    # second join would multiply the activity counts).
    waiting = (
        JoinRequest.objects.pending()
        .filter(workspace=OuterRef("workspace"))
        .order_by()
        .values("workspace")
        .annotate(n=Count("pk"))
        .values("n")
    )
    deciders = [role for role, perms in ROLE_PERMISSIONS.items() if PERM_MODERATE in perms]
    counts["new_requests"] = Case(
        When(role__in=deciders, then=Coalesce(Subquery(waiting), 0)),
        default=0,
        output_field=IntegerField(),
    )
    memberships = list(
        # Only the person's own memberships: the join runs from them, so no
        # other workspace's activity can be counted.
        Membership.objects.filter(user=user, workspace__archived_at__isnull=True)
        .select_related("workspace", "workspace__organisation")
        .annotate(**counts)
        .order_by("workspace__name")
    )
    for membership in memberships:
        membership.news = {
            name: getattr(membership, f"new_{name}")
            for name in [*CATEGORIES, "requests"]
            if getattr(membership, f"new_{name}")
        }
    return memberships


def archived_memberships(user):
    """Archived workspaces stay readable but have no news: a plain list."""
    return (
        Membership.objects.filter(user=user, workspace__archived_at__isnull=False)
        .select_related("workspace")
        .order_by("workspace__name")
    )


def record_visit(membership):
    """The person opened the workspace: news on My workspaces starts again."""
    if membership is None:
        return
    now = timezone.now()
    Membership.objects.filter(pk=membership.pk).update(last_visited_at=now)
    membership.last_visited_at = now


def landing_url(user):
    """Where a person lands after signing in when no ``next`` was given.

    - A member of any workspace: My workspaces (the dashboard).
    - No workspace, office editor, coordinator or superuser: the Wagtail
      admin, where their work is.
    - Anyone else without a workspace: My workspaces too. It says how to get
      in (a manager invites; people of member NGOs get the link to the
      workspaces open to the network) and lists pending join requests. The
      public home would leave them where they were before signing in."""
    if Membership.objects.filter(user=user).exists():
        return reverse("members:workspace_list")
    if user.is_superuser or is_editor(user) or is_network_coordinator(user):
        return reverse("wagtailadmin_home")
    return reverse("members:workspace_list")
