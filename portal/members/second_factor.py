"""Has *this session* passed the second factor?

A password can be stolen or guessed; the authenticator app on someone's phone
is much harder to take. So what opens restricted data (workspaces, reports,
raw exports, the members' API, the network's pages, search beyond public, the
admin) is not that an account *owns* an authenticator but that the session
asking typed one of its codes, as allauth records it: every sign-in step is
kept in the session (``allauth.account.authentication.get_authentication_records``)
and a passed code is a record with ``method == "mfa"`` (at sign-in, or later at
/accounts/2fa/reauthenticate/).

The rule, answered by ``blocks_restricted_access`` for pages, the API and
search alike:

- the signed-in person of the current request is refused restricted data
  unless this session passed the second factor, when PORTAL_REQUIRE_MFA is on
  (and then an authenticator must exist) and, whatever the setting, whenever
  the account has an authenticator: a stolen password must never open
  restricted data, whichever path signed it in;
- outside a request (management commands, mail about another person) there is
  no session to ask, and the account rule of old applies: with
  PORTAL_REQUIRE_MFA on, an account without an authenticator sees public
  material only. Nothing gains access it did not have before.

``SecondFactorMiddleware`` makes the current request known to that function
(through a context variable, so ``audiences_for(user)`` keeps its signature)
and applies the same rule to /admin/ and to allauth's pages that manage
authenticators (a password-only session must not read the recovery codes or
swap the device).
"""

import contextvars

from allauth.account.authentication import get_authentication_records
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import checks
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

MFA_METHOD = "mfa"
MIDDLEWARE_PATH = "portal.members.second_factor.SecondFactorMiddleware"
# Authenticators that allauth asks for at sign-in; recovery codes only come with one.
_DEVICE_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)

_current_request = contextvars.ContextVar("portal_current_request", default=None)


def has_authenticator(user):
    """The account owns a device allauth asks a code of at sign-in."""
    if not user.is_authenticated:
        return False
    return get_mfa_adapter().is_mfa_enabled(user, types=list(_DEVICE_TYPES))


def session_passed_second_factor(request):
    """This session's person typed a code of their authenticator (allauth's record)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return False
    return any(
        record.get("method") == MFA_METHOD for record in get_authentication_records(request, user)
    )


def _request_of(user):
    """The current request if ``user`` is the person signed in to it."""
    request = _current_request.get()
    if request is None:
        return None
    requester = getattr(request, "user", None)
    if requester is None or not requester.is_authenticated or requester.pk != user.pk:
        return None
    return request


def blocks_restricted_access(user):
    """True when ``user`` must see public material only, per the rule above."""
    if not user.is_authenticated:
        return False  # anonymous visitors see public material anyway
    request = _request_of(user)
    if request is None:
        return settings.PORTAL_REQUIRE_MFA and not has_authenticator(user)
    # Asked several times per request (gate, audiences, search): answer once.
    cached = getattr(request, "_portal_second_factor_block", None)
    if cached is not None:
        return cached
    device = has_authenticator(user)
    passed = session_passed_second_factor(request)
    # PORTAL_REQUIRE_MFA: everyone needs a device and its code; otherwise only
    # accounts with a device need its code.
    blocked = not (device and passed) if settings.PORTAL_REQUIRE_MFA else device and not passed
    request._portal_second_factor_block = blocked
    return blocked


def next_step_url(user):
    """Where a blocked person goes: set up an authenticator, or type its code."""
    return "mfa_reauthenticate" if has_authenticator(user) else "mfa_activate_totp"


def gate_response(request, *, set_up_message, code_message):
    """Send a blocked person to set up or pass the second factor, then back here."""
    step = next_step_url(request.user)
    messages.info(request, code_message if step == "mfa_reauthenticate" else set_up_message)
    return redirect_to_login(request.get_full_path(), login_url=step)


@receiver(authenticator_added)
def _setting_up_counts_as_passing(sender, request, user, authenticator, **kwargs):
    """Activating TOTP takes a valid code from the new device, in a session
    that just re-entered its password: the same proof as a sign-in code, so
    the person goes on to what they wanted without typing a second code."""
    if request is None or authenticator.type not in _DEVICE_TYPES:
        return
    if getattr(request, "user", None) is None or request.user.pk != user.pk:
        return
    # allauth's own recorder, so the record looks exactly like a sign-in's.
    from allauth.account.internal.flows.login import record_authentication

    record_authentication(
        request, user, MFA_METHOD, id=authenticator.pk, type=authenticator.type, activated=True
    )
    request._portal_second_factor_block = None


def _is_under(path, url_name):
    return path.startswith(reverse(url_name))


def _admin_needs_second_factor(request):
    path = request.path_info
    if not _is_under(path, "wagtailadmin_home"):
        return False
    # Wagtail's login (sent on to allauth), sprite and translations are open to all.
    if any(
        _is_under(path, name)
        for name in ("wagtailadmin_login", "wagtailadmin_sprite", "wagtailadmin_javascript_catalog")
    ):
        return False
    return request.user.is_authenticated and blocks_restricted_access(request.user)


# allauth's MFA pages a password-only session may use: typing a code, and
# setting up a first authenticator (it has none to protect).
_MFA_STEPS = ("mfa_authenticate", "mfa_reauthenticate", "mfa_activate_totp")


def _mfa_management_needs_second_factor(request):
    path = request.path_info
    if not _is_under(path, "mfa_index") or not request.user.is_authenticated:
        return False
    if any(path == reverse(name) for name in _MFA_STEPS):
        return False
    # Reading recovery codes or removing the device is for the device's holder.
    return has_authenticator(request.user) and not session_passed_second_factor(request)


class SecondFactorMiddleware:
    """Makes the current request known to ``blocks_restricted_access`` and
    keeps password-only sessions out of /admin/ and of authenticator management.
    Place it after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            if _admin_needs_second_factor(request):
                return gate_response(
                    request,
                    set_up_message=_(
                        "The administration holds sensitive data: set up an "
                        "authenticator app before you open it."
                    ),
                    code_message=_(
                        "The administration holds sensitive data: enter a code "
                        "from your authenticator app to open it."
                    ),
                )
            if _mfa_management_needs_second_factor(request):
                message = _("Enter a code from your authenticator app to manage it.")
                return gate_response(request, set_up_message=message, code_message=message)
            return self.get_response(request)
        finally:
            _current_request.reset(token)


@checks.register(checks.Tags.security)
def check_middleware_installed(app_configs, **kwargs):
    """Without the middleware every request would be judged by the weaker
    account rule: refuse to start rather than open restricted data."""
    middleware = list(settings.MIDDLEWARE)
    auth = "django.contrib.auth.middleware.AuthenticationMiddleware"
    if MIDDLEWARE_PATH in middleware and (
        auth not in middleware or middleware.index(MIDDLEWARE_PATH) > middleware.index(auth)
    ):
        return []
    return [
        checks.Error(
            f"{MIDDLEWARE_PATH} must be in MIDDLEWARE, after {auth}.",
            hint="It decides whether a session passed the second factor.",
            id="portal.E010",
        )
    ]
