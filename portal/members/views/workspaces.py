"""My workspaces, a workspace's overview, its settings and life cycle, the
network directory and join requests, notification preferences."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .. import activity, dashboard, joining, lifecycle, notifications
from ..access import members_area_view, workspace_view
from ..audience import is_network_member
from ..forms import JoinRequestForm, NotificationPreferenceForm, WorkspaceSettingsForm
from ..models import Discussion, JoinRequest, Membership, WorkspaceFile
from ..models.workspaces import PERM_ADMINISTER, PERM_MODERATE
from ..permissions import PermissionChangeError, remove_membership
from .common import render_workspace


@members_area_view
@require_safe
def workspace_list(request):
    join_requests = (
        JoinRequest.objects.pending().filter(user=request.user).select_related("workspace")
    )
    return render(
        request,
        "members/workspace_list.html",
        {
            "memberships": dashboard.dashboard_for(request.user),
            "archived": dashboard.archived_memberships(request.user),
            "join_requests": join_requests,
            "network_member": is_network_member(request.user),
        },
    )


@workspace_view()
@require_safe
def workspace_detail(request, workspace):
    perms = request.workspace_perms
    discussions = (
        Discussion.objects.filter(workspace=workspace)
        .visible_to(perms)
        .select_related("author")
        .with_comment_counts()[:5]
    )
    pending_requests = (
        JoinRequest.objects.pending().filter(workspace=workspace).count()
        if PERM_MODERATE in perms
        else 0
    )
    response = render_workspace(
        request,
        "members/workspace_detail.html",
        {
            "discussions": discussions,
            "activities": activity.stream(workspace, perms),
            "member_count": workspace.memberships.count(),
            "discussion_count": Discussion.objects.filter(workspace=workspace).visible().count(),
            "file_count": WorkspaceFile.objects.filter(workspace=workspace).count(),
            "pending_requests": pending_requests,
        },
        tab="overview",
    )
    # After rendering: this visit's page still showed what was new.
    dashboard.record_visit(request.membership)
    return response


@workspace_view(PERM_ADMINISTER, write=True)
def workspace_settings(request, workspace):
    form = WorkspaceSettingsForm(request.POST or None, instance=workspace)
    if request.method == "POST":
        if form.is_valid():
            lifecycle.update_workspace(
                workspace,
                actor=request.user,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
            messages.success(request, _("The workspace settings are saved."))
            return redirect("members:workspace_settings", slug=workspace.slug)
        # The form changed the instance while validating; show the saved name.
        workspace.refresh_from_db()
        return render_workspace(
            request, "members/workspace_settings.html", {"form": form}, tab="settings", status=400
        )
    return render_workspace(
        request, "members/workspace_settings.html", {"form": form}, tab="settings"
    )


@workspace_view(PERM_ADMINISTER, write=True)
def workspace_archive(request, workspace):
    if request.method == "POST":
        lifecycle.archive_workspace(workspace, actor=request.user)
        messages.success(
            request, _("The workspace is archived: everything stays readable, nothing can change.")
        )
        return redirect(workspace)
    return render_workspace(request, "members/workspace_archive.html", tab="settings")


# Not write=True: restoring is the one change an archived workspace accepts.
@workspace_view(PERM_ADMINISTER)
@require_POST
def workspace_restore(request, workspace):
    lifecycle.restore_workspace(workspace, actor=request.user)
    messages.success(request, _("The workspace is restored and open for work again."))
    return redirect(workspace)


# Leaving is allowed in an archived workspace too: it only takes access away.
@workspace_view()
def workspace_leave(request, workspace):
    if request.membership is None:
        messages.info(request, _("You are not a member of this workspace."))
        return redirect(workspace)
    if request.method == "POST":
        try:
            remove_membership(workspace, request.user, actor=request.user, left=True)
        except PermissionChangeError as exc:
            messages.error(request, str(exc))
            return redirect("members:member_list", slug=workspace.slug)
        messages.success(request, _("You have left %(name)s.") % {"name": workspace.name})
        return redirect("members:workspace_list")
    return render_workspace(request, "members/workspace_leave.html", tab="members")


@members_area_view(network_only=True)
@require_safe
def network_directory(request):
    return render(
        request,
        "members/network_directory.html",
        {"workspaces": joining.directory_for(request.user)},
    )


@members_area_view(network_only=True)
def join_request_create(request, slug):
    workspace = joining.joinable_workspace(request.user, slug)
    if workspace is None:
        raise Http404("No such workspace.")
    if Membership.objects.filter(workspace=workspace, user=request.user).exists():
        return redirect(workspace)
    pending = JoinRequest.objects.pending().filter(workspace=workspace, user=request.user).first()
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and pending is None:
        if form.is_valid():
            try:
                joining.request_to_join(workspace, request.user, form.cleaned_data["message"])
            except joining.TooManyJoinRequests as exc:
                # The form keeps the message so nothing typed is lost.
                form.add_error(None, str(exc))
                response = render(
                    request,
                    "members/join_request_form.html",
                    {"workspace": workspace, "form": form, "pending": None},
                    status=429,
                )
                response["Retry-After"] = str(exc.retry_after)
                return response
            except joining.JoinRequestError as exc:
                messages.error(request, str(exc))
                return redirect("members:network_directory")
            messages.success(
                request,
                _("Your request is sent. You will get an email when a manager has answered."),
            )
            return redirect("members:network_directory")
        status = 400
    else:
        status = 200
    return render(
        request,
        "members/join_request_form.html",
        {"workspace": workspace, "form": form, "pending": pending},
        status=status,
    )


@members_area_view
def notification_settings(request):
    current = notifications.frequency_of(request.user)
    form = NotificationPreferenceForm(request.POST or None, initial={"frequency": current})
    if request.method == "POST":
        if form.is_valid():
            notifications.set_frequency(request.user, form.cleaned_data["frequency"])
            messages.success(request, _("Your notification choice is saved."))
            return redirect("members:notification_settings")
        return render(request, "members/notification_settings.html", {"form": form}, status=400)
    return render(request, "members/notification_settings.html", {"form": form})
