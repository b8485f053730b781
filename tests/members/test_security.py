"""Security rules of the members' area: 404 that reveals nothing, friendly
403, the TOTP gate, and idle members' sessions ending."""

import re
import time
from urllib.parse import quote

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from portal.members.middleware import LAST_SEEN_KEY
from tests.factories import make_discussion, make_file
from tests.mfa import add_totp, pass_second_factor

pytestmark = pytest.mark.django_db


def test_a_workspace_i_am_not_in_looks_exactly_like_one_that_does_not_exist(
    workspace, roles, as_user
):
    client = as_user(roles["other_member"])
    discussion = make_discussion(workspace, roles["member"])
    stored = make_file(workspace, roles["member"])
    for existing, missing in [
        ("/workspaces/osh-monitoring/", "/workspaces/no-such-place/"),
        ("/workspaces/osh-monitoring/members/", "/workspaces/no-such-place/members/"),
        (
            f"/workspaces/osh-monitoring/discussions/{discussion.pk}/",
            f"/workspaces/no-such-place/discussions/{discussion.pk}/",
        ),
        (
            f"/workspaces/osh-monitoring/files/{stored.pk}/download/",
            f"/workspaces/no-such-place/files/{stored.pk}/download/",
        ),
    ]:
        real, fake = client.get(existing), client.get(missing)
        assert real.status_code == fake.status_code == 404
        # Same page, word for word (but for the address itself and the CSRF
        # token, which differ on every page): nothing tells the two apart.
        assert _normalised(real, existing) == _normalised(fake, missing)


def _normalised(response, path):
    # The page names the address asked for (also URL-encoded, in the language
    # switcher's return link); nothing else may differ.
    body = response.content.decode().replace(path, "<path>").replace(quote(path, safe=""), "<path>")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def test_anonymous_visitors_are_sent_to_sign_in_whatever_the_workspace(workspace, client):
    for path in ("/workspaces/osh-monitoring/", "/workspaces/no-such-place/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next={path}"


def test_office_staff_are_not_members_by_default(workspace, roles, as_user):
    client = as_user(roles["staff"])
    assert client.get("/workspaces/osh-monitoring/").status_code == 404
    assert "Osh monitoring" not in client.get("/workspaces/").content.decode()


def test_a_role_too_low_gets_a_friendly_403_page(workspace, roles, as_user):
    response = as_user(roles["observer"]).get(
        reverse("members:discussion_create", kwargs={"slug": workspace.slug}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert 'class="site-header"' in body
    assert "does not allow" in body
    assert "My workspaces" in body or "Мои" in body


def test_with_mfa_required_no_workspace_page_opens_before_totp_is_set_up(
    workspace, roles, as_user, settings
):
    settings.PORTAL_REQUIRE_MFA = True
    client = as_user(roles["member"])
    for path in (
        "/workspaces/",
        "/workspaces/osh-monitoring/",
        "/workspaces/osh-monitoring/files/",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(reverse("mfa_activate_totp"))
    # POSTs are stopped at the same gate and change nothing.
    client.post(
        reverse("members:discussion_create", kwargs={"slug": workspace.slug}),
        {"title": "t", "body": "b"},
    )
    assert not workspace.discussions.exists()

    secret = add_totp(roles["member"])
    assert Authenticator.objects.filter(user=roles["member"], type="totp").exists()
    # Owning a device is not enough: this (password-only) session must type its code.
    response = client.get("/workspaces/osh-monitoring/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_reauthenticate"))
    pass_second_factor(client, roles["member"], secret)
    assert client.get("/workspaces/osh-monitoring/").status_code == 200


def test_with_mfa_off_members_open_workspaces_without_totp(workspace, roles, as_user, settings):
    settings.PORTAL_REQUIRE_MFA = False
    assert as_user(roles["member"]).get("/workspaces/osh-monitoring/").status_code == 200


def test_members_are_signed_out_after_the_idle_timeout(workspace, roles, as_user, settings):
    settings.PORTAL_MEMBER_IDLE_TIMEOUT = 30
    client = as_user(roles["member"])
    assert client.get("/workspaces/osh-monitoring/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get("/workspaces/osh-monitoring/").status_code == 200  # still active

    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/workspaces/osh-monitoring/files/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/workspaces/osh-monitoring/files/"
    assert "_auth_user_id" not in client.session
    # Any page counts, not only workspace pages: the session is gone.
    assert client.get("/workspaces/").status_code == 302


def test_activity_keeps_a_member_signed_in(workspace, roles, as_user, settings):
    settings.PORTAL_MEMBER_IDLE_TIMEOUT = 30
    client = as_user(roles["member"])
    client.get("/workspaces/")
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 20 * 60
    session.save()
    client.get("/workspaces/")  # refreshes the mark
    assert int(time.time()) - client.session[LAST_SEEN_KEY] < 5


def test_people_without_a_membership_are_not_timed_out(roles, as_user, settings):
    settings.PORTAL_MEMBER_IDLE_TIMEOUT = 30
    client = as_user(roles["outsider"])
    client.get("/workspaces/")
    assert LAST_SEEN_KEY not in client.session
    assert client.get("/workspaces/").status_code == 200


def test_a_timeout_of_zero_switches_the_rule_off(workspace, roles, as_user, settings):
    settings.PORTAL_MEMBER_IDLE_TIMEOUT = 0
    client = as_user(roles["member"])
    client.get("/workspaces/")
    assert LAST_SEEN_KEY not in client.session


def test_workspace_pages_are_kept_out_of_search_engines(workspace, roles, as_user):
    body = as_user(roles["member"]).get("/workspaces/osh-monitoring/").content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in body
