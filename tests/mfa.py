"""Second-factor helpers for tests: an authenticator with a known secret, its
current code, and a session that passed the code the way allauth records it.

``force_login`` makes a password-only session (what a stolen password gives);
since portal.members.second_factor asks whether *this session* typed a code,
tests that need a member's full access pass the code through allauth's own
re-authentication page (``pass_second_factor``) or, where the sign-in is not
the subject, store allauth's record in the session (``mark_second_factor_passed``).
"""

import time

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core.cache import cache
from django.urls import reverse

# allauth's session key naming the person the records belong to (kept beside
# AUTHENTICATION_METHODS_SESSION_KEY in allauth.account.internal.flows.login).
_RECORDS_USER_KEY = "account_authentication_methods_user"


def add_totp(user):
    """Give ``user`` a TOTP authenticator; returns its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def current_code(secret, user=None):
    """The code the person's app shows now. allauth refuses a code it has seen
    in this period; with ``user`` the marker is dropped, as if the next
    30-second period had begun, so a test can sign in twice without waiting."""
    # allauth accepts only the current period (MFA_TOTP_TOLERANCE is 0), so a
    # code read in the last seconds of a period may be stale by the time a
    # browser submits it: wait for the next period instead, as a person would.
    remaining = 30 - time.time() % 30
    if remaining < 5:
        time.sleep(remaining + 0.1)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    if user is not None:
        cache.delete(f"allauth.mfa.totp.used?user={user.pk}&code={code}")
    return code


def pass_second_factor(client, user, secret):
    """Type the current code on allauth's re-authentication page, as a signed-in
    person sent there by a gate does."""
    response = client.post(reverse("mfa_reauthenticate"), {"code": current_code(secret, user)})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def mark_second_factor_passed(client, user):
    """Store allauth's record of a passed code in the client's session."""
    session = client.session
    session[_RECORDS_USER_KEY] = str(user.pk)
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        *session.get(AUTHENTICATION_METHODS_SESSION_KEY, []),
        {"method": "mfa", "at": time.time(), "type": "totp"},
    ]
    session.save()
