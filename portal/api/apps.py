from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The versioned data-exchange API (/api/v1/) and partner tokens."""

    name = "portal.api"
    label = "api"
    verbose_name = "Data exchange API"
