from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Monitoring reports, anonymous case records (HTCDS), import, export, statistics."""

    name = "portal.reports"
    label = "reports"
    verbose_name = "Monitoring reports"
