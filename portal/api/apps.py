from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The versioned data-exchange API (/api/v1/) and partner tokens."""

    name = "portal.api"
    label = "api"
    verbose_name = "Data exchange API"

    def ready(self):
        from portal.members.audit_details import register_values

        from . import audit_actions  # noqa: F401  (registers the API's audit actions)
        from .models import Scope

        register_values(("scope", "scopes"), Scope.choices)
