"""The "Service directory" admin (Wagtail, "Referrals" menu): coordinators add
and change providers, every save audited; anyone else (anonymous, a network
member, a workspace owner, a page editor) is refused on every URL and changes
nothing; nobody deletes, a provider is deactivated."""

import pytest
from django.urls import NoReverseMatch, reverse

from portal.members.lifecycle import archive_workspace
from portal.members.models import AuditEvent
from portal.referrals import audit_actions as actions
from portal.referrals.models import ServiceProvider
from tests.factories import OrganisationFactory, make_workspace
from tests.referrals.builders import make_provider

pytestmark = pytest.mark.django_db


def form_data(**changes):
    data = {
        "organisation": "",
        "name": "Andijan Women's Shelter",
        "services": ["shelter", "medical"],
        "country": "UZ",
        "region": "Andijan region",
        "city": "Andijan",
        "languages": ["uz", "ru"],
        "opening_hours": "Mon–Sat 8:00–20:00",
        "phone": "+998 74 200 00 10",
        "email": "help@andijan-shelter.example.org",
        "website": "https://andijan-shelter.example.org",
        "notes_internal": "Ask for Dilnoza's team.",
        "public": "on",
        "active": "on",
    }
    data.update(changes)
    return data


def admin_urls(provider):
    return [
        reverse("referrals_providers:index"),
        reverse("referrals_providers:add"),
        reverse("referrals_providers:edit", args=[provider.pk]),
    ]


@pytest.mark.parametrize("person", ["network_member", "other_workspace_owner", "editor"])
def test_non_coordinators_are_refused_on_every_admin_url(client, providers, person, request):
    user = request.getfixturevalue(person)
    # Wagtail's admin needs the access permission; give it, so the directory's
    # own rule is what refuses.
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    provider = providers["unlisted"]
    before = AuditEvent.objects.count()
    for url in admin_urls(provider):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert "Zebrafinch" not in response.content.decode()
    response = client.post(
        reverse("referrals_providers:edit", args=[provider.pk]), form_data(name="Hijacked")
    )
    assert response.status_code in (302, 403)
    response = client.post(reverse("referrals_providers:add"), form_data(name="Planted"))
    assert response.status_code in (302, 403)
    provider.refresh_from_db()
    assert provider.name == "Khujand Lawyers Zebrafinch"
    assert not ServiceProvider.objects.filter(name__in=["Planted", "Hijacked"]).exists()
    assert AuditEvent.objects.count() == before


def test_anonymous_visitor_is_sent_to_sign_in(client, providers):
    for url in admin_urls(providers["unlisted"]):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_coordinator_adds_a_provider_and_it_is_audited(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("referrals_providers:index")).status_code == 200
    response = client.post(reverse("referrals_providers:add"), form_data())
    assert response.status_code == 302
    provider = ServiceProvider.objects.get(name="Andijan Women's Shelter")
    assert provider.services == ["shelter", "medical"] and provider.public
    event = AuditEvent.objects.get(action=actions.PROVIDER_CREATED)
    assert event.actor == coordinator and event.target_id == str(provider.pk)


def test_coordinator_changes_and_deactivates_and_each_is_audited(client, coordinator):
    provider = make_provider(name="Andijan Women's Shelter", country="UZ", public=True)
    client.force_login(coordinator)
    url = reverse("referrals_providers:edit", args=[provider.pk])
    response = client.post(url, form_data(opening_hours="24/7"))
    assert response.status_code == 302
    changed = AuditEvent.objects.get(action=actions.PROVIDER_CHANGED)
    assert "opening_hours" in changed.details["fields"]
    # Values never go to the log: the notes may say things about partners.
    assert "Dilnoza" not in str(changed.details)
    data = form_data()
    del data["active"]
    assert client.post(url, data).status_code == 302
    provider.refresh_from_db()
    assert not provider.active
    assert AuditEvent.objects.filter(action=actions.PROVIDER_DEACTIVATED).count() == 1


def test_an_external_provider_accepting_referrals_is_refused_on_the_form(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("referrals_providers:add"), form_data(accepts_referrals="on"))
    assert response.status_code == 200
    assert "Only a member organisation can accept referrals" in response.content.decode()
    response = client.post(reverse("referrals_providers:add"), form_data(name=""))
    assert response.status_code == 200
    assert "An external provider needs a name." in response.content.decode()
    response = client.post(reverse("referrals_providers:add"), form_data(services=["bogus"]))
    assert response.status_code == 200
    assert not ServiceProvider.objects.exists()
    assert not AuditEvent.objects.filter(action=actions.PROVIDER_CREATED).exists()


def test_nobody_deletes_a_provider(client, coordinator, providers):
    client.force_login(coordinator)
    provider = providers["unlisted"]
    try:
        url = reverse("referrals_providers:delete", args=[provider.pk])
    except NoReverseMatch:
        url = None
    if url is not None:
        assert client.post(url).status_code in (302, 403)
    assert ServiceProvider.objects.filter(pk=provider.pk).exists()
    index = client.get(reverse("referrals_providers:index")).content.decode()
    assert reverse("referrals_providers:edit", args=[provider.pk]) in index
    assert "/delete/" not in index


def test_the_referrals_menu_shows_the_directory_to_coordinators_only(client, coordinator, editor):
    client.force_login(coordinator)
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Service directory" in menu and reverse("referrals_providers:index") in menu
    client.force_login(editor)
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("referrals_providers:index") not in menu


def test_coordinator_adds_a_member_provider_with_its_receiving_workspace(
    client, coordinator, member_org
):
    intake = make_workspace(organisation=member_org, name="Osh intake")
    client.force_login(coordinator)
    form = client.get(reverse("referrals_providers:add")).content.decode()
    assert "Osh Migrant Help: Osh intake" in form
    data = form_data(
        organisation=member_org.pk, name="", accepts_referrals="on", receiving_workspace=intake.pk
    )
    assert client.post(reverse("referrals_providers:add"), data).status_code == 302
    provider = ServiceProvider.objects.get(organisation=member_org)
    assert provider.receiving_workspace == intake and provider.takes_referrals
    event = AuditEvent.objects.get(action=actions.PROVIDER_CREATED)
    assert event.target_id == str(provider.pk)


def test_the_receiving_workspace_is_refused_on_the_form_with_a_clear_message(
    client, coordinator, member_org
):
    other = make_workspace(organisation=OrganisationFactory(name="Andijan Shelter"))
    archived = make_workspace(organisation=member_org, name="Old intake")
    archive_workspace(archived, actor=None)
    client.force_login(coordinator)
    url = reverse("referrals_providers:add")
    member = {"organisation": member_org.pk, "name": "", "accepts_referrals": "on"}

    response = client.post(url, form_data(**member))
    assert response.status_code == 200
    assert "Choose the workspace whose case workers answer referrals." in response.content.decode()

    response = client.post(url, form_data(**member, receiving_workspace=other.pk))
    assert response.status_code == 200
    assert "Choose a workspace of this organisation." in response.content.decode()

    response = client.post(url, form_data(**member, receiving_workspace=archived.pk))
    assert response.status_code == 200
    assert "Choose an open workspace of this organisation" in response.content.decode()
    assert "Old intake" not in response.content.decode()
    # What was typed is kept for the next try.
    assert "Andijan Women&#x27;s Shelter" in response.content.decode() or (
        "help@andijan-shelter.example.org" in response.content.decode()
    )
    assert not ServiceProvider.objects.exists()
    assert not AuditEvent.objects.filter(action=actions.PROVIDER_CREATED).exists()
