from wagtail import hooks

from .admin_views import ExchangeViewSetGroup, register_policies

# Before the viewsets register: they take the policy registered for their model.
register_policies()


@hooks.register("register_admin_viewset")
def register_exchange_admin():
    return ExchangeViewSetGroup()
