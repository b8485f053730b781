from wagtail import hooks

from .admin_views import ReferralsViewSetGroup, register_policies

# Before the viewset registers: it takes the policy registered for its model.
register_policies()


@hooks.register("register_admin_viewset")
def register_referrals_admin():
    return ReferralsViewSetGroup()
