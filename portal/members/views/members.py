"""The members page and what managers and owners do there: roles, removal,
ownership, invitations and join requests."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST, require_safe

from .. import invitations, joining, pending
from ..access import workspace_view
from ..forms import InvitationForm, JoinDecisionForm, RoleForm, TransferForm
from ..models import Invitation, JoinRequest, Membership, Role
from ..models.workspaces import PERM_ADMINISTER, PERM_MODERATE, PERM_VIEW
from ..permissions import (
    PermissionChangeError,
    grantable_roles,
    remove_membership,
    role_change_problem,
    set_membership,
    transfer_ownership,
)
from .common import render_workspace


def _members_url(workspace):
    return redirect("members:member_list", slug=workspace.slug)


def _membership_or_404(workspace, user_id):
    return get_object_or_404(
        Membership.objects.select_related("user"), workspace=workspace, user_id=user_id
    )


@workspace_view(PERM_VIEW)
@require_safe
def member_list(request, workspace):
    perms = request.workspace_perms
    memberships = list(
        Membership.objects.filter(workspace=workspace)
        .select_related("user", "user__organisation")
        .by_role()
    )
    roles = grantable_roles(perms) if not workspace.is_archived else []
    context = {
        "memberships": memberships,
        "role_choices": [(r.value, r.label) for r in grantable_roles({PERM_ADMINISTER})],
        "invite_roles": roles,
    }
    if PERM_MODERATE in perms:
        context["invitations"] = (
            Invitation.objects.filter(workspace=workspace).pending().select_related("invited_by")
        )
        context["join_requests"] = (
            JoinRequest.objects.pending()
            .filter(workspace=workspace)
            .select_related("user", "user__organisation")
        )
        context["decision_roles"] = roles
    return render_workspace(request, "members/member_list.html", context, tab="members")


@workspace_view(PERM_ADMINISTER, write=True)
@require_POST
def member_role(request, workspace, user_id):
    membership = _membership_or_404(workspace, user_id)
    form = RoleForm(request.POST, roles=grantable_roles(request.workspace_perms))
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles offered."))
        return _members_url(workspace)
    role = form.cleaned_data["role"]
    problem = role_change_problem(workspace, membership.user, role)
    if problem:
        messages.error(request, str(problem))
        return _members_url(workspace)
    try:
        set_membership(workspace, membership.user, role, actor=request.user)
    except PermissionChangeError as exc:
        messages.error(request, str(exc))
        return _members_url(workspace)
    messages.success(
        request,
        _("%(person)s is now %(role)s.") % {"person": membership.user, "role": Role(role).label},
    )
    return _members_url(workspace)


@workspace_view(PERM_ADMINISTER, write=True)
def member_remove(request, workspace, user_id):
    membership = _membership_or_404(workspace, user_id)
    if membership.user_id == request.user.pk:
        messages.info(request, _("To leave the workspace yourself, use “Leave workspace”."))
        return redirect("members:workspace_leave", slug=workspace.slug)
    if request.method == "POST":
        try:
            remove_membership(workspace, membership.user, actor=request.user)
        except PermissionChangeError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("%(person)s no longer has access.") % {"person": membership.user}
            )
        return _members_url(workspace)
    return render_workspace(
        request, "members/member_remove.html", {"target": membership}, tab="members"
    )


@workspace_view(PERM_ADMINISTER, write=True)
def ownership_transfer(request, workspace):
    form = TransferForm(request.POST or None, workspace=workspace)
    if request.method == "POST":
        if form.is_valid():
            new_owner = form.cleaned_data["new_owner"]
            try:
                transfer_ownership(workspace, new_owner, actor=request.user)
            except PermissionChangeError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("%(person)s is now the owner.") % {"person": new_owner})
                return _members_url(workspace)
        return render_workspace(
            request, "members/ownership_transfer.html", {"form": form}, tab="members", status=400
        )
    return render_workspace(
        request, "members/ownership_transfer.html", {"form": form}, tab="members"
    )


@workspace_view(PERM_MODERATE, write=True)
def invitation_create(request, workspace):
    form = InvitationForm(request.POST or None, roles=grantable_roles(request.workspace_perms))
    if request.method == "POST":
        if form.is_valid():
            try:
                invitation, mailed = invitations.invite(
                    workspace,
                    form.cleaned_data["email"],
                    form.cleaned_data["role"],
                    actor=request.user,
                )
            except invitations.TooManyInvitations as exc:
                return _too_many_invitations(request, form, exc)
            except invitations.InvitationError as exc:
                form.add_error("email", str(exc))
            else:
                if mailed:
                    messages.success(
                        request,
                        ngettext(
                            "Invitation sent to %(email)s. The link works for %(days)s day.",
                            "Invitation sent to %(email)s. The link works for %(days)s days.",
                            settings.PORTAL_INVITATION_DAYS,
                        )
                        % {"email": invitation.email, "days": settings.PORTAL_INVITATION_DAYS},
                    )
                else:
                    messages.warning(request, _MAIL_FAILED % {"email": invitation.email})
                return _members_url(workspace)
        return render_workspace(
            request, "members/invitation_form.html", {"form": form}, tab="members", status=400
        )
    return render_workspace(request, "members/invitation_form.html", {"form": form}, tab="members")


def _too_many_invitations(request, form, exc):
    """Refused by the invitation limit: the form comes back as typed, with
    when to try again; nothing was saved or sent."""
    form.add_error(None, str(exc))
    response = render_workspace(
        request, "members/invitation_form.html", {"form": form}, tab="members", status=429
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


_MAIL_FAILED = gettext_lazy(
    "The invitation to %(email)s is saved, but the email could not be sent. "
    "Try “Send again” in a while, or tell the office."
)


@workspace_view(PERM_MODERATE, write=True)
@require_POST
def invitation_revoke(request, workspace, invitation_id):
    invitation = get_object_or_404(Invitation, workspace=workspace, pk=invitation_id)
    pending.revoke(invitation, actor=request.user)
    messages.success(
        request, _("The invitation to %(email)s is revoked.") % {"email": invitation.email}
    )
    return _members_url(workspace)


@workspace_view(PERM_MODERATE, write=True)
@require_POST
def invitation_resend(request, workspace, invitation_id):
    invitation = get_object_or_404(Invitation, workspace=workspace, pk=invitation_id)
    try:
        invitation, mailed = invitations.resend(invitation, actor=request.user)
    except invitations.TooManyInvitations as exc:
        form = InvitationForm(
            {"email": invitation.email, "role": invitation.role},
            roles=grantable_roles(request.workspace_perms),
        )
        form.is_valid()
        return _too_many_invitations(request, form, exc)
    except invitations.InvitationError as exc:
        messages.error(request, str(exc))
        return _members_url(workspace)
    if mailed:
        messages.success(
            request,
            _("A new link was sent to %(email)s; the old one no longer works.")
            % {"email": invitation.email},
        )
    else:
        messages.warning(request, _MAIL_FAILED % {"email": invitation.email})
    return _members_url(workspace)


@workspace_view(PERM_MODERATE, write=True)
@require_POST
def join_request_decide(request, workspace, request_id):
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user"), workspace=workspace, pk=request_id
    )
    form = JoinDecisionForm(request.POST, roles=grantable_roles(request.workspace_perms))
    if not form.is_valid():
        messages.error(request, _("Choose approve or decline, and a role offered."))
        return _members_url(workspace)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        joining.decide(
            join_request,
            approve=approve,
            role=form.cleaned_data["role"] or "member",
            actor=request.user,
        )
    except joining.JoinRequestError as exc:
        messages.error(request, str(exc))
        return _members_url(workspace)
    person = join_request.user
    if approve:
        messages.success(request, _("%(person)s has joined the workspace.") % {"person": person})
    else:
        messages.success(request, _("The request of %(person)s is declined.") % {"person": person})
    return _members_url(workspace)
