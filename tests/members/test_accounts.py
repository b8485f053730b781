"""Account flows through django-allauth: what a person signing up, in or out sees."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings

from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.mfa import current_code

User = get_user_model()
pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"
RESET = "/accounts/password/reset/"


def signup(client, email="new.member@example.org", password="a-long-pass-phrase-42"):
    return client.post(SIGNUP, {"email": email, "password1": password, "password2": password})


def link_in(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_email_is_the_login_and_there_is_no_username():
    user = User.objects.create_user(email="Alia@Example.org", password="x" * 12)
    assert user.email == "alia@example.org"
    assert User.USERNAME_FIELD == "email"
    assert not hasattr(user, "username") or user.username is None


def test_signup_is_closed_by_default(client):
    response = client.get(SIGNUP)
    assert response.status_code == 200
    assert "closed" in response.content.decode().lower() or "закрыт" in response.content.decode()
    signup(client)
    assert not User.objects.filter(email="new.member@example.org").exists()
    assert len(mail.outbox) == 0


@override_settings(PORTAL_OPEN_SIGNUP=True)
def test_open_signup_sends_verification_mail_and_requires_it(client):
    response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="new.member@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.member@example.org"]

    # Not verified yet: signing in stops at "verify your email", no session.
    client.logout()
    response = client.post(
        LOGIN, {"login": "new.member@example.org", "password": "a-long-pass-phrase-42"}
    )
    assert response.status_code == 302
    assert "confirm-email" in response.url or "verification" in response.url
    assert "_auth_user_id" not in client.session

    # Following the link in the mail and confirming verifies the address.
    confirm_url = link_in(mail.outbox[-1])
    assert client.get(confirm_url).status_code == 200
    client.post(confirm_url)
    assert EmailAddress.objects.get(user=user).verified

    response = client.post(
        LOGIN, {"login": "new.member@example.org", "password": "a-long-pass-phrase-42"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_and_logout(client):
    user = UserFactory(email="member@example.org")
    response = client.post(LOGIN, {"login": "MEMBER@example.org", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)

    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_refused_with_a_message(client):
    UserFactory(email="member@example.org")
    response = client.post(LOGIN, {"login": "member@example.org", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors


def test_password_reset_by_mail(client):
    user = UserFactory(email="member@example.org")
    response = client.post(RESET, {"email": "member@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1

    reset_url = link_in(mail.outbox[0])
    response = client.get(reset_url)
    # allauth moves the key into the session and redirects to a key-less URL.
    if response.status_code == 302:
        reset_url = response.url
        response = client.get(reset_url)
    assert response.status_code == 200
    new_password = "another-long-pass-phrase-7"
    response = client.post(reset_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302

    user.refresh_from_db()
    assert user.check_password(new_password)
    response = client.post(LOGIN, {"login": "member@example.org", "password": new_password})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_password_reset_for_unknown_address_reveals_nothing(client):
    response = client.post(RESET, {"email": "nobody@example.org"})
    assert response.status_code == 302
    # allauth may tell the unknown address that it has no account; it never says so on screen.
    assert all("nobody@example.org" in m.to for m in mail.outbox)


def test_repeated_failed_logins_hit_the_rate_limit(client):
    UserFactory(email="member@example.org")
    for _ in range(5):
        client.post(LOGIN, {"login": "member@example.org", "password": "wrong"})
    # Even the right password is refused once the limit is reached.
    response = client.post(LOGIN, {"login": "member@example.org", "password": DEFAULT_PASSWORD})
    assert "_auth_user_id" not in client.session
    body = response.content.decode()
    assert response.status_code in (200, 429)
    assert "Too many" in body or "Слишком много" in body


def current_totp(secret):
    counter = int(time.time()) // 30
    return format_hotp_value(hotp_value(secret, counter))


def test_totp_can_be_set_up_and_is_then_asked_at_login(client):
    user = UserFactory(email="member@example.org")
    client.post(LOGIN, {"login": "member@example.org", "password": DEFAULT_PASSWORD})
    assert client.get("/accounts/2fa/").status_code == 200

    # Setting up a second factor is sensitive: allauth asks for the password again.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/reauthenticate/")
    response = client.post(response.url, {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post("/accounts/2fa/totp/activate/", {"code": current_totp(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    # Recovery codes come with the first authenticator.
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()

    client.post(LOGOUT)
    response = client.post(LOGIN, {"login": "member@example.org", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith("/accounts/2fa/authenticate/")
    assert "_auth_user_id" not in client.session

    response = client.post(response.url, {"code": "000000"})
    assert "_auth_user_id" not in client.session
    # allauth refuses a code it has already seen (activation used it): forget
    # that, as the next 30-second period would (tests/mfa.py), rather than wait.
    code = current_code(secret, user)
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    if "_auth_user_id" not in client.session:
        time.sleep(31 - int(time.time()) % 30)
        client.post("/accounts/2fa/authenticate/", {"code": current_totp(secret)})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_account_pages_use_the_site_layout(client):
    response = client.get(LOGIN)
    body = response.content.decode()
    assert 'class="site-header"' in body
    assert 'class="skip-link"' in body
    assert "site.css" in body
