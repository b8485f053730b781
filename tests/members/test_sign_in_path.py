"""One sign-in path: a stolen password never opens restricted data.

Seen from the attacker's side: someone holds a member's email and password
(phished, reused elsewhere, guessed) but not the phone with the authenticator
app. They try every form the URL conf exposes, try passwords in bulk, and use a
session signed in with the password alone (a path forgotten, a session from
before the device was added) on every surface that holds restricted data.
"""

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.test import Client
from django.urls import Resolver404, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation
from django.utils.regex_helper import normalize

from portal.core.audience import NETWORK, PUBLIC, audiences_for, workspace_token
from portal.members.second_factor import MIDDLEWARE_PATH, check_middleware_installed
from tests.factories import DEFAULT_PASSWORD, UserFactory, make_discussion, make_file
from tests.mfa import add_totp, current_code, mark_second_factor_passed, pass_second_factor
from tests.reports.factories import add_cases, make_report, network_user, publish

pytestmark = pytest.mark.django_db

MEMBER_EMAIL = "member@example.org"


# --- The URL conf, enumerated ------------------------------------------------------


def _param_values(world):
    """Plausible values for every path parameter the URL conf uses: real objects
    where the portal has them, harmless strings elsewhere."""
    return {
        "slug": world["workspace"].slug,
        "report_id": world["report"].pk,
        "case_id": world["case"].pk,
        "discussion_id": world["discussion"].pk,
        "file_id": world["file"].pk,
        "variant": "records",
        "fmt": "csv",
        "uidb64": "MQ",
        "uidb36": "1",
        "token": "set-password",
        "key": "MQ:made-up-key",
        "path": "images/x.png",
        "filter_spec": "original",
        "app_label": "members",
        "app_name": "members",
        "model_name": "user",
        "content_type_app_name": "members",
        "content_type_model_name": "user",
        "action": "edit",
        "action_name": "edit",
        "_0": "",
        "_1": "",
    }


def _fill(pattern, values):
    """Every concrete path a pattern matches with these values (Django's own
    reversing helper turns the pattern's regex into format strings)."""
    paths = set()
    for template, params in normalize(pattern.regex.pattern):
        paths.add(template % {name: values.get(name, 1) for name in params})
    return paths


def _walk(patterns, prefix, values):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if isinstance(entry.pattern, LocalePrefixPattern):
                heads = {f"{code}/" for code, _name in settings.LANGUAGES}
            else:
                heads = _fill(entry.pattern, values)
            for head in heads:
                yield from _walk(entry.url_patterns, prefix + head, values)
        else:
            for tail in _fill(entry.pattern, values):
                yield "/" + prefix + tail


def every_url(world):
    """One concrete address per URL pattern (and per language prefix)."""
    return sorted(set(_walk(get_resolver().url_patterns, "", _param_values(world))))


# --- Fixtures ----------------------------------------------------------------------


@pytest.fixture
def world(people):
    """The member of ``people`` with an authenticator, and restricted data of
    every kind: a report with case rows, a discussion, a file, a report another
    workspace shared with the network."""
    workspace, roles = people
    member = roles["member"]
    report = make_report(workspace, title="Border crossings, spring")
    [case] = add_cases(report)
    shared = make_report(audience=NETWORK, title="Shared with the network")
    publish()  # the anonymised export serves the latest release
    return {
        "workspace": workspace,
        "member": member,
        "secret": add_totp(member),
        "report": report,
        "case": case,
        "shared": shared,
        "discussion": make_discussion(workspace, member),
        "file": make_file(workspace, member),
    }


@pytest.fixture
def csrf_token():
    """A valid CSRF token, as a browser holds it after opening any form."""
    client = Client()
    client.get(reverse("account_login"))
    return client.cookies[settings.CSRF_COOKIE_NAME].value


def attacker(csrf_token):
    """A fresh browser that checks CSRF like a real one, holding a valid token."""
    client = Client(enforce_csrf_checks=True, headers={"X-CSRFToken": csrf_token})
    client.cookies[settings.CSRF_COOKIE_NAME] = csrf_token
    return client


def credentials(csrf_token, password=DEFAULT_PASSWORD, email=MEMBER_EMAIL):
    """The member's address and password under every field name login forms
    use (allauth: login; Django and Wagtail: username; others: email)."""
    return {
        "login": email,
        "username": email,
        "email": email,
        "password": password,
        "next": "/workspaces/",
        "csrfmiddlewaretoken": csrf_token,
    }


def signed_in(client):
    return "_auth_user_id" in client.session


def password_accepted(client):
    """allauth writes a "password" record once it has checked the password."""
    records = client.session.get(AUTHENTICATION_METHODS_SESSION_KEY) or []
    return any(record.get("method") == "password" for record in records)


@pytest.fixture
def logins():
    """Every completed sign-in, whatever view performed it."""
    seen = []

    def receiver(sender, request, user, **kwargs):
        seen.append((request.path, user.pk))

    user_logged_in.connect(receiver, dispatch_uid="test-sign-in-path")
    yield seen
    user_logged_in.disconnect(dispatch_uid="test-sign-in-path")


# --- A password alone, posted anywhere ----------------------------------------------


def test_no_address_of_the_url_conf_signs_in_with_a_password_alone(world, csrf_token, logins):
    urls = every_url(world)
    assert "/admin/login/" in urls and "/ru/_util/login/" in urls and "/en/_util/login/" in urls
    accepted = {}
    for url in urls:
        client = attacker(csrf_token)
        response = client.post(url, credentials(csrf_token))
        assert response.status_code < 500, url
        assert not signed_in(client), url
        if password_accepted(client):
            accepted[url] = response
    assert logins == []

    # The only view that even checks the password is allauth's, which then asks for the code.
    assert list(accepted) == [reverse("account_login")]
    assert accepted[reverse("account_login")].url.startswith(reverse("mfa_authenticate"))


def test_wagtails_login_forms_send_the_person_to_allauth_keeping_next(world, csrf_token):
    for url in ("/admin/login/", "/ru/_util/login/", "/en/_util/login/"):
        for method in ("get", "post"):
            client = attacker(csrf_token)
            data = credentials(csrf_token)
            data["next"] = "/workspaces/osh-monitoring/"
            response = getattr(client, method)(url, data)
            assert response.status_code == 302, (url, method)
            assert response.url == "/accounts/login/?next=/workspaces/osh-monitoring/"
            assert not signed_in(client) and not password_accepted(client)
    # A next pointing elsewhere is not kept (no open redirect through the old forms).
    response = Client().get("/admin/login/", {"next": "https://evil.example/"})
    assert response.url == "/accounts/login/?next=/admin/"


def test_the_admin_sends_visitors_to_allauths_login(client):
    response = client.get("/admin/pages/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/admin/pages/"
    assert response.status_code == 200


def test_a_member_without_admin_access_is_refused_without_a_redirect_loop(people, client):
    client.force_login(people[1]["member"])
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1
    assert "_auth_user_id" in client.session  # refused, not signed out


def test_allauth_login_asks_for_the_code_and_only_the_code_opens_the_session(world, csrf_token):
    client = attacker(csrf_token)
    response = client.post(reverse("account_login"), credentials(csrf_token))
    assert response.url.startswith(reverse("mfa_authenticate"))
    assert not signed_in(client)
    assert client.get(f"/workspaces/{world['workspace'].slug}/").status_code == 302

    client.post(reverse("mfa_authenticate"), {"code": "000000", "csrfmiddlewaretoken": csrf_token})
    assert not signed_in(client)
    response = client.post(
        reverse("mfa_authenticate"),
        {"code": current_code(world["secret"], world["member"]), "csrfmiddlewaretoken": csrf_token},
    )
    assert signed_in(client)
    assert response.url == "/workspaces/"
    report = world["report"]
    assert client.get(report.get_absolute_url()).status_code == 200


LOGIN_URL_NAMES = {"account_login", "wagtailadmin_login", "wagtailcore_login"}


def url_name(url):
    # Language-prefixed patterns resolve only in their own language.
    prefix = url.split("/")[1]
    language = prefix if prefix in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            return resolve(url).url_name
        except Resolver404:
            return None  # a filled-in pattern that a stricter one before it shadows


def login_urls(world):
    urls = [url for url in every_url(world) if url_name(url) in LOGIN_URL_NAMES]
    # A new login form (a new app, a Wagtail upgrade) must join this list.
    names = {url_name(url) for url in every_url(world) if url.endswith("login/")}
    assert names == LOGIN_URL_NAMES
    return urls


def test_25_wrong_passwords_then_the_right_one_sign_in_nobody_on_any_login_url(
    world, csrf_token, logins
):
    # An account without an authenticator: only the failed-login limit stands
    # between a password guesser and the account.
    UserFactory(email="plain@example.org")
    urls = login_urls(world)
    assert len(urls) == 1 + 1 + len(settings.LANGUAGES)
    for url in urls:
        from django.core.cache import cache

        cache.clear()  # each address starts with fresh counters
        client = attacker(csrf_token)
        for _ in range(25):
            client.post(url, credentials(csrf_token, password="wrong", email="plain@example.org"))
        response = client.post(url, credentials(csrf_token, email="plain@example.org"), follow=True)
        assert not signed_in(client), url
        assert client.get("/workspaces/").status_code == 302, url
        if url_name(url) == "account_login":
            body = response.content.decode()
            assert "Too many" in body or "Слишком много" in body
        else:
            # Wagtail's old forms never read the password: the person lands on allauth's login.
            assert response.redirect_chain[0][0].startswith("/accounts/login/")
    assert logins == []


# --- A session signed in with the password alone -------------------------------------


def restricted_addresses(world):
    workspace, report = world["workspace"], world["report"]
    return {
        "workspace": f"/workspaces/{workspace.slug}/",
        "report": report.get_absolute_url(),
        "raw export": f"/workspaces/{workspace.slug}/reports/export/records.csv",
        "anonymised export": f"/workspaces/{workspace.slug}/reports/export/anonymised.csv",
        "network reports": "/network/reports/",
        "shared report": world["shared"].get_absolute_url(),
    }


def api_addresses(world):
    workspace, report = world["workspace"], world["report"]
    base = f"/api/v1/workspaces/{workspace.slug}/reports"
    return [base, f"{base}/{report.pk}", f"{base}/{report.pk}/cases"]


def assert_refused_everywhere(client, world):
    for what, url in restricted_addresses(world).items():
        response = client.get(url)
        assert response.status_code == 302, what
        assert response.url.split("?")[0] in (
            reverse("mfa_reauthenticate"),
            reverse("mfa_activate_totp"),
        ), what
    for url in api_addresses(world):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "authenticator" in response.json()["detail"]
    assert (
        "Border crossings"
        not in client.get(world["report"].get_absolute_url(), follow=True).content.decode()
    )


def assert_open_everywhere(client, world):
    for what, url in restricted_addresses(world).items():
        assert client.get(url).status_code == 200, what
    for url in api_addresses(world):
        assert client.get(url).status_code == 200, url
    assert "Border crossings" in client.get(world["report"].get_absolute_url()).content.decode()


def test_with_mfa_required_a_password_only_session_opens_nothing_until_the_code(
    world, client, settings
):
    settings.PORTAL_REQUIRE_MFA = True
    member = world["member"]
    client.force_login(member)  # a stolen password, through whatever path
    assert_refused_everywhere(client, world)
    # Sent to type the code, then back where they were going.
    response = client.get(world["report"].get_absolute_url())
    assert response.url == (
        f"{reverse('mfa_reauthenticate')}?next={world['report'].get_absolute_url()}"
    )

    response = pass_second_factor(client, member, world["secret"])
    # No next given here: a member lands on My workspaces.
    assert response.url == reverse("members:workspace_list")
    assert_open_everywhere(client, world)


def test_an_account_with_an_authenticator_needs_the_code_even_with_mfa_not_required(
    world, client, settings
):
    settings.PORTAL_REQUIRE_MFA = False
    member = world["member"]
    client.force_login(member)
    assert_refused_everywhere(client, world)
    pass_second_factor(client, member, world["secret"])
    assert_open_everywhere(client, world)


def test_with_mfa_off_an_account_without_authenticator_keeps_password_access(
    people, client, settings
):
    settings.PORTAL_REQUIRE_MFA = False
    workspace, roles = people
    client.force_login(roles["owner"])
    assert client.get(f"/workspaces/{workspace.slug}/").status_code == 200
    assert client.get(f"/api/v1/workspaces/{workspace.slug}/reports").status_code == 200


def test_with_mfa_required_a_member_without_authenticator_is_sent_to_set_one_up(
    people, client, settings
):
    settings.PORTAL_REQUIRE_MFA = True
    workspace, roles = people
    client.force_login(roles["owner"])
    response = client.get(f"/workspaces/{workspace.slug}/")
    assert response.url.startswith(reverse("mfa_activate_totp"))
    assert client.get(f"/api/v1/workspaces/{workspace.slug}/reports").status_code == 403


def test_a_password_only_session_cannot_read_recovery_codes_or_remove_the_device(world, client):
    member = world["member"]
    client.force_login(member)
    for name in ("mfa_view_recovery_codes", "mfa_generate_recovery_codes", "mfa_deactivate_totp"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("mfa_reauthenticate")), name
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=member, type="totp").exists()

    mark_second_factor_passed(client, member)
    assert client.get(reverse("mfa_index")).status_code == 200


def test_outside_a_request_no_one_gains_access_they_did_not_have(world, settings):
    """Management commands and mail have no session: the account rule applies."""
    member = world["member"]
    plain = network_user()
    settings.PORTAL_REQUIRE_MFA = True
    assert workspace_token(world["workspace"]) in audiences_for(member)
    assert audiences_for(plain) == {PUBLIC}
    settings.PORTAL_REQUIRE_MFA = False
    assert NETWORK in audiences_for(plain)


# --- The admin ------------------------------------------------------------------------


def test_with_mfa_required_staff_need_the_code_for_the_admin(client, settings):
    settings.PORTAL_REQUIRE_MFA = True
    staff = UserFactory(email="office.admin@example.org", is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url == f"{reverse('mfa_activate_totp')}?next=/admin/"

    secret = add_totp(staff)
    for url in ("/admin/", "/admin/pages/", "/admin/users/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == f"{reverse('mfa_reauthenticate')}?next={url}", url

    pass_second_factor(client, staff, secret)
    assert client.get("/admin/").status_code == 200


def test_with_mfa_off_staff_without_authenticator_open_the_admin(client, settings):
    settings.PORTAL_REQUIRE_MFA = False
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/").status_code == 200


def test_wagtails_password_reset_is_off_allauths_is_the_one(client):
    assert client.get("/admin/password_reset/").status_code == 404
    assert client.get(reverse("account_reset_password")).status_code == 200


@pytest.mark.django_db(transaction=True)  # on-commit signal
def test_setting_up_the_authenticator_counts_as_passing_it_in_that_session(
    people, client, settings
):
    settings.PORTAL_REQUIRE_MFA = True
    workspace, roles = people
    owner = roles["owner"]
    client.force_login(owner)
    target = f"/workspaces/{workspace.slug}/"
    response = client.get(target)
    assert response.url == f"{reverse('mfa_activate_totp')}?next={target}"

    # allauth asks for the password again before a device is added.
    response = client.get(response.url)
    assert response.url.startswith(reverse("account_reauthenticate"))
    client.post(response.url, {"password": DEFAULT_PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=owner, type="totp").exists()
    # The code typed to set it up was the proof: no second code for this session.
    assert client.get(target).status_code == 200


def test_the_portal_refuses_to_start_without_the_second_factor_middleware(settings):
    """Without it every request would fall back to the weaker account rule."""
    assert check_middleware_installed(None) == []
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE_PATH]
    assert [error.id for error in check_middleware_installed(None)] == ["portal.E010"]
