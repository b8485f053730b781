"""Access checks shared by every view under /workspaces/ (members, reports, files…).

Rules, applied the same way everywhere:
- anonymous visitors are sent to the login page, whatever the URL (so a login
  redirect reveals nothing about which workspaces exist);
- a session that has not passed the second factor is sent to pass it (an
  account with an authenticator) or, with PORTAL_REQUIRE_MFA on, to set one up
  (portal.members.second_factor);
- a workspace the person is not a member of answers 404, exactly like a slug that
  does not exist;
- a member whose role lacks the permission for an action gets 403;
- an archived workspace is read-only: write actions get 403.

Every view under /workspaces/ carries one of the decorators below; each marks
its wrapper with ``access_rule`` (and, for workspace views, ``workspace_perm``
and ``workspace_write``), which the permission-matrix test reads to know what
each role must get. A view without one fails that test.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from . import second_factor
from .audience import is_network_member, mfa_blocks_restricted_access
from .models import Membership, Workspace

# Values of the ``access_rule`` attribute the decorators set.
RULE_WORKSPACE = "workspace"
RULE_MEMBERS_AREA = "members_area"
RULE_TOKEN = "token"  # noqa: S105  (a rule name, not a secret)


class WorkspaceArchived(PermissionDenied):
    """Raised for a write action in an archived workspace."""


def get_workspace_or_404(user, slug):
    """The workspace if ``user`` may open it; 404 otherwise (never 403: a
    stranger must not learn that the slug exists)."""
    workspace = Workspace.objects.for_user(user).filter(slug=slug).first()
    if workspace is None:
        raise Http404("No such workspace.")
    return workspace


def workspace_perms(user, workspace):
    """The person's permission codenames on the workspace, in one lookup
    (guardian answers "all" for superusers)."""
    return frozenset(ObjectPermissionChecker(user).get_perms(workspace))


def _archived():
    return WorkspaceArchived(
        _("This workspace is archived and read-only. An owner can restore it.")
    )


def check_workspace_perm(user, workspace, codename, *, write=False, perms=None):
    """403 unless the member's role includes ``codename`` (for example
    "contribute_workspace"); 403 for any write in an archived workspace."""
    allowed = (
        codename in perms if perms is not None else user.has_perm(f"members.{codename}", workspace)
    )
    if not allowed:
        raise PermissionDenied(_("Your role in this workspace does not allow this."))
    if write and workspace.is_archived:
        raise _archived()


def workspace_view(perm=None, *, write=False, slug_kwarg="slug"):
    """Decorator for function views under /workspaces/<slug>/…

    Resolves the workspace, applies the rules above and passes it to the view as
    ``workspace``. It also sets ``request.workspace``, ``request.workspace_perms``
    (the person's permission codenames there) and ``request.membership`` (None
    for a superuser who is not a member), for templates::

        @workspace_view("contribute_workspace", write=True)
        def upload(request, workspace): ...

    Put it outermost (above require_POST and the like) so that anonymous and
    outside visitors get the same answer whatever the method.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            gate = members_area_gate(request)
            if gate is not None:
                return gate
            workspace = get_workspace_or_404(request.user, kwargs.pop(slug_kwarg))
            perms = workspace_perms(request.user, workspace)
            if perm:
                check_workspace_perm(request.user, workspace, perm, write=write, perms=perms)
            elif write and workspace.is_archived:
                raise _archived()
            request.workspace = workspace
            request.workspace_perms = perms
            request.membership = Membership.objects.filter(
                workspace=workspace, user=request.user
            ).first()
            return view(request, *args, workspace=workspace, **kwargs)

        wrapper.access_rule = RULE_WORKSPACE
        wrapper.workspace_perm = perm
        wrapper.workspace_write = write
        return wrapper

    return decorator


def members_area_gate(request):
    """The login and MFA checks for the members' area; a response when the
    person must do something first, else None."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if mfa_blocks_restricted_access(user):
        return second_factor.gate_response(
            request,
            set_up_message=_(
                "Workspaces hold sensitive data: set up an authenticator app before you open them."
            ),
            code_message=_(
                "Workspaces hold sensitive data: enter a code from your authenticator app "
                "to open them."
            ),
        )
    return None


def members_area_view(view=None, *, network_only=False):
    """Decorator for members' area views that are not about one workspace
    (the list of my workspaces, preferences…): login and MFA checks only.
    With ``network_only=True`` people outside the network (no verified member
    organisation, not office staff) get 403::

        @members_area_view
        def workspace_list(request): ...

        @members_area_view(network_only=True)
        def network_directory(request): ...
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            gate = members_area_gate(request)
            if gate is not None:
                return gate
            if network_only and not is_network_member(request.user):
                raise PermissionDenied(
                    _(
                        "This page is for people of verified member organisations. "
                        "If your organisation is a member, ask the office to link your account to it."
                    )
                )
            return view(request, *args, **kwargs)

        wrapper.access_rule = RULE_MEMBERS_AREA
        wrapper.members_area_network_only = network_only
        return wrapper

    return decorator(view) if view is not None else decorator


def token_view(view):
    """Decorator for pages opened with a secret token sent by email (an
    invitation): open to anonymous visitors, since the token is the
    credential and the person may not have an account yet. The view itself
    must refuse unknown, used, expired or revoked tokens."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapper.access_rule = RULE_TOKEN
    return wrapper
