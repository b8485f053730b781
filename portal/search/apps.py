from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "portal.search"
    label = "portal_search"
    verbose_name = "Search"

    def ready(self):
        from . import checks, functions, signals

        checks.register()
        functions.connect()
        signals.connect()
