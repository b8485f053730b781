from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "portal.members"
    label = "members"
    verbose_name = "Members"

    def ready(self):
        from portal.core import audience

        # audit: registers members' audit actions; files: connects its signal.
        from . import admin_policies, audit, files, navigation, search  # noqa: F401
        from . import audience as member_audience

        audience.register_provider(member_audience.tokens_for)
        admin_policies.register_policies()
        navigation.register_default_tabs()
        search.register()
