"""/services/ from the attacker's side: anonymous visitors are sent to sign
in, signed-in people outside the network (an unverified organisation, the
owner of a workspace, a page editor) are refused; network members see every
active provider with its internal notes and filter them; made-up filter
values get a clear page, never a 500."""

import pytest
from django.urls import reverse

from tests.referrals.builders import make_provider
from tests.referrals.conftest import NOTE

pytestmark = pytest.mark.django_db

URL = "/services/"


def test_the_directory_lives_at_services():
    assert reverse("referrals:directory") == URL


def test_anonymous_visitor_is_sent_to_sign_in_and_sees_nothing(client, providers):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("person", ["outsider", "other_workspace_owner", "editor"])
def test_people_outside_the_network_are_refused(client, providers, person, request):
    client.force_login(request.getfixturevalue(person))
    response = client.get(URL, {"country": "TJ"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Zebrafinch" not in body and NOTE not in body


@pytest.mark.parametrize("person", ["network_member", "coordinator"])
def test_network_members_see_every_active_provider_with_internal_notes(
    client, providers, person, request
):
    client.force_login(request.getfixturevalue(person))
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Osh Migrant Help" in body and "Khujand Lawyers Zebrafinch" in body
    assert NOTE in body
    assert "Gnuwildebeest" not in body  # deactivated


def names(response):
    return [p.display_name for p in response.context["page_obj"]]


def test_filters_by_country_service_language_and_referrals(client, providers, network_member):
    client.force_login(network_member)
    assert names(client.get(URL, {"country": "TJ"})) == ["Khujand Lawyers Zebrafinch"]
    assert names(client.get(URL, {"service": "psychological"})) == ["Osh Migrant Help"]
    assert names(client.get(URL, {"language": "tg"})) == ["Khujand Lawyers Zebrafinch"]
    assert names(client.get(URL, {"accepts_referrals": "on"})) == ["Osh Migrant Help"]
    response = client.get(URL, {"country": "KG", "service": "legal_aid"})
    assert names(response) == []
    assert "No provider matches these filters." in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"country": "XX"},
        {"service": "<script>alert(1)</script>"},
        {"language": "klingon"},
        {"country": ["KG", "TJ"], "service": "\x00"},
    ],
)
def test_made_up_filter_values_get_a_clear_400_page(client, providers, network_member, query):
    client.force_login(network_member)
    response = client.get(URL, query)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Some filters were not understood" in body
    assert "<script>alert(1)</script>" not in body


def test_a_bad_page_number_shows_the_first_page(client, providers, network_member):
    client.force_login(network_member)
    for n in range(25):
        make_provider(name=f"Provider {n:02d}")
    response = client.get(URL, {"page": "abc"})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1
    assert len(response.context["page_obj"].object_list) == 20
    last = client.get(URL, {"page": "999999999999999999999"})
    assert last.status_code == 200 and last.context["page_obj"].number == 2


def test_a_stolen_password_alone_does_not_open_the_directory(client, providers, network_member):
    """A member with an authenticator app whose session has not passed the
    second factor (someone with the password only) sees public material only."""
    from tests.mfa import add_totp

    add_totp(network_member)
    client.force_login(network_member)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/")
    assert "Zebrafinch" not in client.get(URL, follow=True).content.decode()
