from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "portal.resources"
    label = "resources"
    verbose_name = "Resource library"

    def ready(self):
        from . import home_section, search

        home_section.register()
        search.register()
