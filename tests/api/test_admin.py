"""Partner tokens in the Wagtail admin: created (shown once), listed, revoked."""

import datetime

import pytest
from django.utils import timezone

from portal.api import audit_actions as api_actions
from portal.api.models import ApiToken
from portal.members.models import AuditEvent
from tests.api.conftest import bearer, make_token
from tests.factories import OrganisationFactory, UserFactory
from tests.reports.factories import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_creating_a_token_shows_it_once_and_stores_only_its_hash(admin_client):
    organisation = OrganisationFactory(name="IOM Bishkek", verified=False)
    expires = (timezone.now() + datetime.timedelta(days=90)).strftime("%Y-%m-%d %H:%M")
    response = admin_client.post(
        "/admin/api-tokens/new/",
        {
            "name": "CTDC quarterly upload",
            "organisation": organisation.pk,
            "scopes": ["cases:anonymised"],
            "expires_at": expires,
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    html = response.content.decode()
    raw = html.split('id="raw-token" type="text" readonly value="')[1].split('"')[0]
    assert raw.startswith(f"fnp_{token.prefix}_")
    assert token.scopes == ["cases:anonymised"] and token.organisation == organisation
    assert raw not in admin_client.get(f"/admin/api-tokens/inspect/{token.pk}/").content.decode()
    event = AuditEvent.objects.get(action=api_actions.API_TOKEN_CREATED)
    assert event.details["prefix"] == token.prefix and raw not in str(event.details)
    publish()  # the partner endpoints serve a statistics release
    assert admin_client.get("/api/v1/cases/anonymised", **bearer(raw)).status_code == 200


def test_a_token_cannot_be_created_already_expired(admin_client):
    organisation = OrganisationFactory()
    response = admin_client.post(
        "/admin/api-tokens/new/",
        {"name": "x", "organisation": organisation.pk, "scopes": ["cases:anonymised"],
         "expires_at": "2020-01-01 00:00"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Choose a moment in the future" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_a_token_in_the_admin_refuses_it_from_then_on(admin_client, client):
    token, raw = make_token()
    listing = admin_client.get("/admin/api-tokens/").content.decode()
    assert token.name in listing and f"/admin/api-tokens/revoke/{token.pk}/" in listing
    assert admin_client.get(f"/admin/api-tokens/revoke/{token.pk}/").status_code == 200
    response = admin_client.post(f"/admin/api-tokens/revoke/{token.pk}/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.is_revoked and token.status_label == "Revoked"
    assert AuditEvent.objects.filter(
        action=api_actions.API_TOKEN_REVOKED, target_id=str(token.pk)
    ).exists()
    client.logout()
    assert client.get("/api/v1/cases/anonymised", **bearer(raw)).status_code == 401


def test_tokens_are_never_deleted_and_only_the_name_can_change(admin_client):
    token, _raw = make_token()
    response = admin_client.post(f"/admin/api-tokens/delete/{token.pk}/")
    assert response.status_code in (302, 403)
    assert ApiToken.objects.filter(pk=token.pk).exists()
    response = admin_client.post(
        f"/admin/api-tokens/edit/{token.pk}/",
        {"name": "Renamed", "scopes": ["statistics:read"], "expires_at": "2099-01-01 00:00"},
    )
    token.refresh_from_db()
    assert token.name == "Renamed" and token.scopes == ["cases:anonymised"]


def test_people_without_admin_access_cannot_manage_tokens(client):
    token, _raw = make_token()
    client.force_login(UserFactory())
    response = client.get("/admin/api-tokens/")
    assert response.status_code == 302 and "/admin/login/" in response.url
    # Signed in already: refused there, never sent round to allauth's login and back.
    assert client.get(response.url).status_code == 403
    assert client.post(f"/admin/api-tokens/revoke/{token.pk}/").status_code == 302
    token.refresh_from_db()
    assert not token.is_revoked
