from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """Signed releases, partner agreements and sister-portal sync."""

    name = "portal.exchange"
    label = "exchange"
    verbose_name = "Data exchange"

    def ready(self):
        from . import audit_actions, signals  # noqa: F401  registers actions and receivers

        audit_actions.register_details()
        from portal.members.audit_details import register_fields_model

        # "fields" of an agreement's events are the Agreement's fields.
        register_fields_model("agreement", "exchange.Agreement")
        from django.conf import settings

        from portal.core import periodic

        from . import incoming, push

        periodic.register(
            "exchange.pull", lambda: settings.EXCHANGE_SYNC_SECONDS, incoming.pull_all
        )
        periodic.register("exchange.push", 30, push.deliver_due)

        from portal.reports.statistics_layers import register_layer

        from .layers import partner_layers

        register_layer(partner_layers)
