"""Helpers shared by the members' area views."""

from django.shortcuts import render

from ..models.workspaces import PERM_ADMINISTER, PERM_CONTRIBUTE, PERM_MODERATE, PERM_READ_AUDIT


def capabilities(request):
    """What the person may do here, for templates. Writes are off in an
    archived workspace (the access decorator refuses them anyway)."""
    workspace, perms = request.workspace, request.workspace_perms
    writable = not workspace.is_archived
    return {
        "contribute": writable and PERM_CONTRIBUTE in perms,
        "moderate": writable and PERM_MODERATE in perms,
        "administer": writable and PERM_ADMINISTER in perms,
        "restore": workspace.is_archived and PERM_ADMINISTER in perms,
        "read_audit": PERM_READ_AUDIT in perms,
        "see_hidden": PERM_MODERATE in perms,
    }


def render_workspace(request, template, context=None, *, tab="", status=200):
    return render(
        request,
        template,
        {
            "workspace": request.workspace,
            "membership": request.membership,
            "can": capabilities(request),
            "tab": tab,
            **(context or {}),
        },
        status=status,
    )
