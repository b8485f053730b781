"""Archiving, restoring and renaming a workspace. An archived workspace is
read-only (access.workspace_view refuses writes) until it is restored."""

from django.db import transaction
from django.utils import timezone

from . import activity, audit
from .models import Verb, Workspace

SETTINGS_FIELDS = ("name", "description", "visibility", "organisation")


@transaction.atomic
def archive_workspace(workspace, *, actor):
    workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
    if workspace.is_archived:
        return workspace
    workspace.archived_at = timezone.now()
    workspace.save(update_fields=["archived_at"])
    audit.record(actor, audit.WORKSPACE_ARCHIVED, target=workspace)
    activity.record(workspace, actor, Verb.WORKSPACE_ARCHIVED)
    return workspace


@transaction.atomic
def restore_workspace(workspace, *, actor):
    workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
    if not workspace.is_archived:
        return workspace
    workspace.archived_at = None
    workspace.save(update_fields=["archived_at"])
    audit.record(actor, audit.WORKSPACE_RESTORED, target=workspace)
    activity.record(workspace, actor, Verb.WORKSPACE_RESTORED)
    return workspace


@transaction.atomic
def update_workspace(workspace, *, actor, **changes):
    """Change name, description, visibility or host organisation; the audit
    log says which fields changed (not their text)."""
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"not workspace settings: {sorted(unknown)}")
    # Compare with what is stored: a bound ModelForm has already changed the instance.
    workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
    changed = [name for name, value in changes.items() if getattr(workspace, name) != value]
    if not changed:
        return workspace
    for name in changed:
        setattr(workspace, name, changes[name])
    workspace.save(update_fields=changed)
    audit.record(actor, audit.WORKSPACE_CHANGED, target=workspace, fields=sorted(changed))
    return workspace
