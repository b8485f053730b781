from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "portal.members"
    label = "members"
    verbose_name = "Members"

    def ready(self):
        from . import admin_policies, files, navigation, search  # noqa: F401  (files: signal)

        admin_policies.register_policies()
        navigation.register_default_tabs()
        search.register()
