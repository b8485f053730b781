"""One sign-in path: allauth's.

Wagtail ships two login forms of its own (/admin/login/ and the private pages'
/<lang>/_util/login/) that sign a person in with Django's bare LoginView: no
second factor, no failed-login limit, no email verification. The URL conf
routes both addresses here instead; whatever is posted, nobody is signed in:
the person is sent to allauth's login, with where they wanted to go kept.
"""

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


def to_allauth_login(request, default_next=None):
    """Send the visitor to allauth's login, never reading a password.

    A POST is answered the same way as a GET (302): a password sent here is
    ignored, so a script that posts to Wagtail's old form learns nothing."""
    if request.user.is_authenticated:
        # Wagtail sends a signed-in person here when their account may not open
        # the admin; allauth would send them straight back to "next", in a loop.
        raise PermissionDenied(_("You are signed in, but your account cannot open this page."))
    next_url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        if not default_next:
            # No "next": the person lands where the adapter sends them
            # (My workspaces for members, see members.dashboard.landing_url).
            return redirect(settings.LOGIN_URL)
        next_url = reverse(default_next)
    return redirect_to_login(next_url, login_url=settings.LOGIN_URL)
