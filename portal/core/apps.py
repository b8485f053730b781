from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting pieces: base templates, service checks."""

    name = "portal.core"
    label = "core"
    verbose_name = "Portal core"
