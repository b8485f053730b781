from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The versioned data-exchange API (/api/v1/) and partner tokens."""

    name = "portal.api"
    label = "api"
    verbose_name = "Data exchange API"

    def ready(self):
        from . import audit_actions  # registers the API's audit actions

        audit_actions.register_details()
