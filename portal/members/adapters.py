from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """Signup is open only when the operator says so (PORTAL_OPEN_SIGNUP).

    The network normally grows by invitation; the invitation flow opens signup
    for the one request that carries a valid invitation (see members.invitations).
    """

    def get_login_redirect_url(self, request):
        # Only when no ``next`` was given: allauth lets ``next`` win.
        from .dashboard import landing_url

        return landing_url(request.user)

    def is_open_for_signup(self, request):
        if getattr(request, "portal_invitation_signup", False):
            return True
        return settings.PORTAL_OPEN_SIGNUP
