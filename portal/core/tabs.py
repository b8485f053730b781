"""The tabs of a workspace's pages. Each app adds its own from its
``AppConfig.ready()``, for example the monitoring reports::

    from portal.core.tabs import WorkspaceTab, register_tab
    register_tab(WorkspaceTab("reports", _("Reports"), "reports:list", "view_workspace", order=15))

A tab shows only to people whose workspace permissions (codenames, as the
access decorator computed them) include ``perm``. Core knows no workspace
model: a workspace here is anything with a ``slug``.
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class WorkspaceTab:
    key: str
    label: str
    url_name: str  # takes the workspace slug as its only argument
    perm: str  # a permission codename, e.g. "view_workspace"
    order: int = 50


_tabs = {}


def register_tab(tab):
    _tabs[tab.key] = tab
    return tab


def tabs_for(workspace, perms, current=""):
    return [
        {
            "key": tab.key,
            "label": tab.label,
            "url": reverse(tab.url_name, kwargs={"slug": workspace.slug}),
            "current": tab.key == current,
        }
        for tab in sorted(_tabs.values(), key=lambda t: (t.order, t.key))
        if tab.perm in perms
    ]
