from django import template

from ..models.workspaces import (
    PERM_ADMINISTER,
    PERM_CONTRIBUTE,
    PERM_MODERATE,
    PERM_READ_AUDIT,
)
from ..navigation import tabs_for

register = template.Library()


@register.inclusion_tag("members/includes/workspace_tabs.html", takes_context=True)
def workspace_tabs(context, current=""):
    request = context["request"]
    workspace = getattr(request, "workspace", None)
    perms = getattr(request, "workspace_perms", frozenset())
    return {"tabs": tabs_for(workspace, perms, current) if workspace else []}


@register.simple_tag(takes_context=True)
def workspace_can(context, action):
    """{% workspace_can "contribute" as can_post %}: the person's permission on
    the current workspace, read from what the access decorator computed."""
    codename = {
        "contribute": PERM_CONTRIBUTE,
        "moderate": PERM_MODERATE,
        "administer": PERM_ADMINISTER,
        "read_audit": PERM_READ_AUDIT,
    }[action]
    return codename in getattr(context["request"], "workspace_perms", frozenset())
