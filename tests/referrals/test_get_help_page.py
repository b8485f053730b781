"""The get-help page's "Where to get help": public, active providers by
country, in the reader's language; never an unlisted or inactive provider,
never internal notes; a change to a provider shows at once although the page
is cached for anonymous visitors."""

import pytest
from django.test import Client

from tests.referrals.builders import make_provider
from tests.referrals.conftest import NOTE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("database_caches")]


def get_help_url(site, language="en"):
    page = site.get_help_en if language == "en" else site.get_help
    return page.get_url()


def test_anonymous_visitor_sees_public_providers_only_and_no_notes(client, site, providers):
    response = client.get(get_help_url(site))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Where to get help" in body
    assert "Osh Migrant Help" in body and "+996 3222 00 100" in body
    assert "Shelter and safe accommodation" in body
    assert "Zebrafinch" not in body  # not public
    assert "Gnuwildebeest" not in body  # not active
    assert NOTE not in body


def test_signed_in_network_member_gets_the_same_public_list(
    client, site, providers, network_member
):
    client.force_login(network_member)
    body = client.get(get_help_url(site)).content.decode()
    assert "Osh Migrant Help" in body
    assert "Zebrafinch" not in body and NOTE not in body


def test_the_list_is_in_the_readers_language(site, providers):
    body = Client().get(get_help_url(site, "ru")).content.decode()
    assert "Кыргызстан" in body or "Киргизия" in body
    # Labels the catalogue already has; the service names' Russian arrives
    # with the merged catalogue (po fragment).
    assert "<dt>Языки</dt>" in body and "<dt>Languages</dt>" not in body


def test_a_provider_change_shows_at_once_on_the_cached_page(client, site, providers):
    url = get_help_url(site)
    assert "Zebrafinch" not in client.get(url).content.decode()
    assert "Osh Migrant Help" in client.get(url).content.decode()  # served from the cache
    unlisted = providers["unlisted"]
    unlisted.public = True
    unlisted.save()
    assert "Zebrafinch" in client.get(url).content.decode()
    public = providers["public"]
    public.active = False
    public.save()
    assert "Osh Migrant Help" not in client.get(url).content.decode()


def test_no_section_when_there_is_no_public_provider(client, site):
    make_provider(name="Hidden", public=False)
    assert "Where to get help" not in client.get(get_help_url(site)).content.decode()
