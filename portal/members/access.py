"""Access checks shared by every view under /workspaces/ (members, reports, files…).

Rules, applied the same way everywhere:
- anonymous visitors are sent to the login page, whatever the URL (so a login
  redirect reveals nothing about which workspaces exist);
- with PORTAL_REQUIRE_MFA on, a signed-in person without TOTP is sent to set it up;
- a workspace the person is not a member of answers 404, exactly like a slug that
  does not exist;
- a member whose role lacks the permission for an action gets 403;
- an archived workspace is read-only: write actions get 403.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from .audience import mfa_blocks_restricted_access
from .models import Workspace


class WorkspaceArchived(PermissionDenied):
    """Raised for a write action in an archived workspace."""


def get_workspace_or_404(user, slug):
    """The workspace if ``user`` may open it; 404 otherwise (never 403: a
    stranger must not learn that the slug exists)."""
    workspace = Workspace.objects.for_user(user).filter(slug=slug).first()
    if workspace is None:
        raise Http404("No such workspace.")
    return workspace


def check_workspace_perm(user, workspace, codename, *, write=False):
    """403 unless the member's role includes ``codename`` (for example
    "contribute_workspace"); 403 for any write in an archived workspace."""
    if not user.has_perm(f"members.{codename}", workspace):
        raise PermissionDenied(_("Your role in this workspace does not allow this."))
    if write and workspace.is_archived:
        raise WorkspaceArchived(_("This workspace is archived and read-only."))


def workspace_view(perm=None, *, write=False, slug_kwarg="slug"):
    """Decorator for function views under /workspaces/<slug>/…

    Resolves the workspace, applies the rules above and passes it to the view as
    ``workspace``::

        @workspace_view("contribute_workspace", write=True)
        def upload(request, workspace): ...
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            gate = members_area_gate(request)
            if gate is not None:
                return gate
            workspace = get_workspace_or_404(request.user, kwargs.pop(slug_kwarg))
            if perm:
                check_workspace_perm(request.user, workspace, perm, write=write)
            elif write and workspace.is_archived:
                raise WorkspaceArchived(_("This workspace is archived and read-only."))
            request.workspace = workspace
            return view(request, *args, workspace=workspace, **kwargs)

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
        messages.info(
            request,
            _("Workspaces hold sensitive data: set up an authenticator app before you open them."),
        )
        return redirect_to_login(request.get_full_path(), login_url="mfa_activate_totp")
    return None


def members_area_view(view):
    """Decorator for members' area views that are not about one workspace
    (the list of my workspaces, invitations…): login and MFA checks only."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        gate = members_area_gate(request)
        if gate is not None:
            return gate
        return view(request, *args, **kwargs)

    return wrapper
