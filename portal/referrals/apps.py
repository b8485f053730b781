from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    """The service directory (who offers which help where), and later the
    consent-based referrals between member organisations that stand on it.
    Registers its audit actions, its search source and the get-help page's
    list of providers (home cannot import this app: it is below it)."""

    name = "portal.referrals"
    label = "referrals"
    verbose_name = "Referrals"

    def ready(self):
        from portal.home.help_sections import register_help_section
        from portal.reports.statistics_sections import register_section
        from portal.search.registry import registry

        from . import audit_actions, lifecycle, signals  # noqa: F401  registers actions, verbs
        from .directory import public_providers_by_country
        from .search import ServiceProviderSource
        from .statistics import statistics_section

        audit_actions.register_details()
        from . import deadlines

        deadlines.register()  # the hourly overdue job, the digest's "Overdue referrals"
        registry.register(ServiceProviderSource())
        signals.connect()
        from . import retention

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
