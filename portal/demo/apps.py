from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The `load_demo` command, its steps and its texts; no models."""

    name = "portal.demo"
    label = "demo"
    verbose_name = "Demo content"
