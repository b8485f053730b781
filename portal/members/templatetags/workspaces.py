from django import template

from portal.core.tabs import tabs_for

from .. import audit_details
from ..models.workspaces import (
    PERM_ADMINISTER,
    PERM_CONTRIBUTE,
    PERM_MODERATE,
    PERM_READ_AUDIT,
)

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


@register.filter
def audit_details_shown(event):
    """[(label, text)]: an audit event's details in the reader's language."""
    return audit_details.items(event)


@register.filter
def audit_target(event):
    """What an audit event is about, ids of restricted objects named in the reader's language."""
    return audit_details.target_text(event)
