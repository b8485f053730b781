"""Providers in search, on Elasticsearch and on the database fallback: a
public provider is found by anyone, an unlisted one by network members only,
an inactive one by nobody; the internal notes are found by nobody (one
document serves every reader of its audience). Asserted through /search/."""

from io import StringIO

import pytest
from django.core.management import call_command

from portal.search.client import circuit
from portal.search.models import PendingIndexOperation
from tests.search_indices import private_alias

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["elasticsearch", "database"])
def backend(request, settings):
    with private_alias("t") as prefix:
        settings.SEARCH_INDEX_PREFIX = prefix
        if request.param == "database":
            settings.ELASTICSEARCH_URL = ""
        circuit.reset()
        yield request.param


@pytest.fixture
def indexed(backend, site, providers):
    call_command("search_index", "rebuild", "--force", stdout=StringIO())
    PendingIndexOperation.objects.all().delete()
    return backend


def titles(client, backend, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    results = response.context["results"]
    assert results.backend == backend
    return {hit.title for hit in results.hits}, response.content.decode()


def test_anonymous_visitor_finds_public_providers_only(client, indexed):
    found, _ = titles(client, indexed, "Osh Migrant Help")
    assert "Osh Migrant Help" in found
    found, _ = titles(client, indexed, "Zebrafinch")
    assert "Khujand Lawyers Zebrafinch" not in found
    found, _ = titles(client, indexed, "Gnuwildebeest")
    assert not found


@pytest.mark.parametrize("person", ["outsider", "other_workspace_owner", "editor"])
def test_signed_in_outsiders_do_not_find_unlisted_providers(client, indexed, person, request):
    client.force_login(request.getfixturevalue(person))
    found, _ = titles(client, indexed, "Zebrafinch")
    assert "Khujand Lawyers Zebrafinch" not in found


def test_network_member_finds_unlisted_providers_pointing_at_the_directory(
    client, indexed, network_member
):
    client.force_login(network_member)
    response = client.get("/search/", {"q": "Zebrafinch"})
    [hit] = [h for h in response.context["results"].hits if h.title == "Khujand Lawyers Zebrafinch"]
    assert hit.url.startswith("/services/")
    found, _ = titles(client, indexed, "Osh Migrant Help")
    assert "Osh Migrant Help" in found


@pytest.mark.parametrize("person", [None, "network_member", "coordinator"])
def test_internal_notes_are_found_by_nobody(client, indexed, person, request):
    if person:
        client.force_login(request.getfixturevalue(person))
    found, body = titles(client, indexed, "Kapibaraquartz")
    assert not found
    assert "night guard" not in body


def test_a_public_hit_leads_to_the_get_help_page(client, indexed, site):
    response = client.get("/search/", {"q": "Osh Migrant Help"})
    [hit] = [h for h in response.context["results"].hits if h.title == "Osh Migrant Help"]
    page_url = type(site.get_help).objects.live().public().order_by("pk").first().get_url()
    assert hit.url.startswith(page_url) and "#provider-" in hit.url


def test_a_password_without_the_second_factor_finds_public_providers_only(
    client, indexed, network_member
):
    from tests.mfa import add_totp

    add_totp(network_member)
    client.force_login(network_member)
    found, _ = titles(client, indexed, "Zebrafinch")
    assert "Khujand Lawyers Zebrafinch" not in found
    found, _ = titles(client, indexed, "Osh Migrant Help")
    assert "Osh Migrant Help" in found
