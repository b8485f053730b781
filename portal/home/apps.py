from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "portal.home"
    label = "home"
    verbose_name = "Public site"

    def ready(self):
        from . import search, signals

        search.register()
        signals.connect()
