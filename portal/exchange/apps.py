from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """Signed releases, partner agreements and sister-portal sync."""

    name = "portal.exchange"
    label = "exchange"
    verbose_name = "Data exchange"

    def ready(self):
        from . import audit_actions, signals  # noqa: F401  registers actions and receivers

        audit_actions.register_details()
