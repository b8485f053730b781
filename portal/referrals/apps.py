from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    """The service directory (who offers which help where) and the
    consent-based referrals between member organisations that stand on it.
    Registers what the apps below it ask for through registries (they cannot
    import this app): audit actions, activity verbs, the search source, the
    get-help page's providers, the digest's overdue referrals, the periodic
    job, the retention kind, the network statistics section, the workspace
    tab and the "Refer this case" link."""

    name = "portal.referrals"
    label = "referrals"
    verbose_name = "Referrals"

    def ready(self):
        from portal.home.help_sections import register_help_section
        from portal.reports.statistics_sections import register_section
        from portal.search.registry import registry

        from . import audit_actions, deadlines, lifecycle, retention, signals  # noqa: F401  registers actions, verbs
        from .directory import public_providers_by_country
        from .search import ServiceProviderSource
        from .statistics import statistics_section

        audit_actions.register_details()
        deadlines.register()  # the hourly overdue job, the digest's "Overdue referrals"
        registry.register(ServiceProviderSource())
        signals.connect()
        retention.register()  # the "referrals" kind of manage.py purge_expired
        register_help_section(
            "service_directory",
            template="referrals/help_providers.html",
            items=public_providers_by_country,
        )
        register_section(
            "referrals",
            template="referrals/includes/statistics_section.html",
            context=statistics_section,
        )
        register_pages()


def register_pages():
    """The workspace's "Referrals" tab and the "Refer this case" link on case
    rows (reports cannot import this app: it asks portal.core's registry)."""
    from django.utils.translation import gettext_lazy as _

    from portal.core.case_actions import register_case_action
    from portal.core.tabs import WorkspaceTab, register_tab
    from portal.members.models.workspaces import PERM_CONTRIBUTE

    from .case_links import refer_link

    # Case workers only: observers never see referrals (policy.is_case_worker).
    register_tab(
        WorkspaceTab(
            "referrals", _("Referrals"), "workspace_referrals:list", PERM_CONTRIBUTE, order=17
        )
    )
    register_case_action(refer_link)
