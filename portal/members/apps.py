from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "portal.members"
    label = "members"
    verbose_name = "Members"

    def ready(self):
        from portal.core import audience

        # audit and activity register members' audit actions and activity
        # verbs; files connects its signal.
        from . import activity, admin_policies, audit, audit_details, files, search  # noqa: F401
        from . import audience as member_audience

        # First: the log shows details in the order their keys were registered.
        audit_details.register_members_details()
        from . import retention

        retention.register()

        audience.register_provider(member_audience.tokens_for)
        admin_policies.register_policies()
        register_tabs()
        search.register()


def register_tabs():
    """Members' own tabs of a workspace; other apps add theirs to portal.core.tabs
    from their ready() the same way (reports: "Reports")."""
    from django.utils.translation import gettext_lazy as _

    from portal.core.tabs import WorkspaceTab, register_tab

    from .models.workspaces import PERM_ADMINISTER, PERM_READ_AUDIT, PERM_VIEW

    for tab in (
        WorkspaceTab("overview", _("Overview"), "members:workspace_detail", PERM_VIEW, order=0),
        WorkspaceTab(
            "discussions", _("Discussions"), "members:discussion_list", PERM_VIEW, order=10
        ),
        WorkspaceTab("files", _("Files"), "members:file_list", PERM_VIEW, order=20),
        WorkspaceTab("members", _("Members"), "members:member_list", PERM_VIEW, order=40),
        WorkspaceTab("audit", _("Audit log"), "members:audit_log", PERM_READ_AUDIT, order=80),
        WorkspaceTab(
            "settings", _("Settings"), "members:workspace_settings", PERM_ADMINISTER, order=90
        ),
    ):
        register_tab(tab)
