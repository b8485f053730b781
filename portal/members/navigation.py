"""The tabs of a workspace's pages. Other apps add theirs from their
AppConfig.ready(), for example the monitoring reports::

    from portal.members.navigation import WorkspaceTab, register_tab
    register_tab(WorkspaceTab("reports", _("Reports"), "reports:report_list", order=25))

A tab shows only to people whose permissions include ``perm``.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models.workspaces import PERM_ADMINISTER, PERM_READ_AUDIT, PERM_VIEW


@dataclass(frozen=True)
class WorkspaceTab:
    key: str
    label: str
    url_name: str  # takes the workspace slug as its only argument
    perm: str = PERM_VIEW
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


def register_default_tabs():
    for tab in (
        WorkspaceTab("overview", _("Overview"), "members:workspace_detail", order=0),
        WorkspaceTab("discussions", _("Discussions"), "members:discussion_list", order=10),
        WorkspaceTab("files", _("Files"), "members:file_list", order=20),
        WorkspaceTab("members", _("Members"), "members:member_list", order=40),
        WorkspaceTab("audit", _("Audit log"), "members:audit_log", PERM_READ_AUDIT, order=80),
        WorkspaceTab(
            "settings", _("Settings"), "members:workspace_settings", PERM_ADMINISTER, order=90
        ),
    ):
        register_tab(tab)
