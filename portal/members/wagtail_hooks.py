from wagtail import hooks

from .admin_views import NetworkViewSetGroup


@hooks.register("register_admin_viewset")
def register_network_admin():
    return NetworkViewSetGroup()
