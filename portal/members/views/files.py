"""Workspace files: list, upload, download (permission-checked, recorded), delete."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from portal.core.pagination import paginate

from .. import files as service
from ..access import workspace_view
from ..forms import UploadForm
from ..models import WorkspaceFile
from ..models.workspaces import PERM_CONTRIBUTE, PERM_MODERATE, PERM_VIEW
from .common import render_workspace

FILES_PER_PAGE = 50


def _can_delete(request, stored):
    return PERM_MODERATE in request.workspace_perms or stored.uploaded_by_id == request.user.pk


def _render_list(request, workspace, form=None, status=200):
    files = WorkspaceFile.objects.filter(workspace=workspace).select_related("uploaded_by")
    page = paginate(request, files, FILES_PER_PAGE)
    for stored in page:
        stored.can_delete = _can_delete(request, stored) and not workspace.is_archived
    return render_workspace(
        request,
        "members/file_list.html",
        {"page": page, "form": form or UploadForm()},
        tab="files",
        status=status,
    )


@workspace_view(PERM_VIEW)
@require_safe
def file_list(request, workspace):
    return _render_list(request, workspace)


@workspace_view(PERM_CONTRIBUTE, write=True)
@require_POST
def file_upload(request, workspace):
    form = UploadForm(request.POST, request.FILES)
    status = 400
    if service.refuse_unreceived_upload(form, request):
        status = 507
    elif form.is_valid():
        try:
            stored = service.store_upload(
                workspace,
                form.cleaned_data["file"],
                request.user,
                form.cleaned_data["description"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
            if isinstance(exc, service.StorageFailed):
                status = 507  # the server could not keep it, the request was fine
        else:
            messages.success(request, _("“%(name)s” is uploaded.") % {"name": stored.original_name})
            return redirect("members:file_list", slug=workspace.slug)
    return _render_list(request, workspace, form=form, status=status)


# GET only: a HEAD request would be recorded as a download that never happened.
@workspace_view(PERM_VIEW)
@require_GET
def file_download(request, workspace, file_id):
    stored = get_object_or_404(WorkspaceFile, workspace=workspace, pk=file_id)
    return service.file_response(stored, request)


# Members delete what they uploaded; moderators anything. The object check is below.
@workspace_view(PERM_CONTRIBUTE, write=True)
def file_delete(request, workspace, file_id):
    stored = get_object_or_404(WorkspaceFile, workspace=workspace, pk=file_id)
    if not _can_delete(request, stored):
        raise PermissionDenied(
            _("Only the person who uploaded a file or a moderator can delete it.")
        )
    if request.method == "POST":
        try:
            service.delete_file(stored, actor=request.user)
        except service.FileInUse as exc:
            messages.error(request, str(exc))
            return redirect(stored)
        messages.success(request, _("“%(name)s” is deleted.") % {"name": stored.original_name})
        return redirect("members:file_list", slug=workspace.slug)
    return render_workspace(
        request,
        "members/confirm_delete.html",
        {
            "question": _("Delete the file “%(name)s”? This cannot be undone.")
            % {"name": stored.original_name},
            "cancel_url": stored.get_absolute_url(),
        },
        tab="files",
    )
