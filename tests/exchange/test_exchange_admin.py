"""The Data exchange admin (Wagtail): network coordinators register agreements
(the partner's token shown once), amend and end them, rotate and revoke the
signing keys, and read subscriptions and imported releases. Tried from the
attacker's side on every URL it adds: anonymous visitors, members, workspace
managers and page editors are refused and change nothing; nobody deletes."""

import datetime
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import Group
from django.urls import get_resolver, reverse
from django.utils import timezone

from portal.api.models import ApiToken
from portal.api.tokens import TokenRefused, check_token
from portal.core.roles import EDITORS, NETWORK_COORDINATORS
from portal.exchange import agreements, keys, outgoing
from portal.exchange import audit_actions as actions
from portal.exchange.models import (
    Agreement,
    ImportedRelease,
    ReleaseEvent,
    SigningKey,
    Subscription,
)
from portal.members.models import AuditEvent
from tests.factories import OrganisationFactory, UserFactory, add_member, make_workspace
from tests.members.matrix import iter_urls
from tests.reports.factories import publish

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
NEXT_YEAR_END = TODAY.replace(year=TODAY.year + 1, month=12, day=31)
NAMESPACES = (
    "exchange_agreements",
    "exchange_keys",
    "exchange_subscriptions",
    "exchange_imports",
    "exchange_releases",
)


@pytest.fixture(autouse=True)
def english_and_own_keys(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.EXCHANGE_KEYS_DIR = tmp_path / "keys"


def in_group(user, name):
    user.groups.add(Group.objects.get(name=name))
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def coordinator():
    return in_group(UserFactory(email="coordinator@example.org"), NETWORK_COORDINATORS)


@pytest.fixture
def partner():
    return OrganisationFactory(name="La Strada Moldova", country="OTHER", verified=False)


def form_data(organisation, /, **changes):
    data = {
        "title": "La Strada Moldova 2026",
        "partner": organisation.pk,
        "tier": "aggregates",
        "min_k": "11",
        "countries": ["KG", "UZ"],
        "year_from": "2020",
        "year_to": str(TODAY.year),
        "starts_on": TODAY.isoformat(),
        "ends_on": NEXT_YEAR_END.isoformat(),
        "contact_name": "Ion Rusu",
        "contact_email": "data@lastrada.example.md",
        "delivery": "pull",
        "inbox_url": "",
    }
    data.update(changes)
    return data


def raw_token_in(html):
    return html.split('id="raw-token" type="text" readonly value="')[1].split('"')[0]


def make_agreement(actor, partner, **changes):
    fields = {
        "title": "IOM CTDC 2026",
        "partner": partner,
        "tier": "records",
        "min_k": 11,
        "countries": ["KG"],
        "year_from": 2021,
        "year_to": TODAY.year,
        "starts_on": TODAY,
        "ends_on": NEXT_YEAR_END,
        "contact_name": "Data team",
        "contact_email": "ctdc@iom.example.int",
        "delivery": "pull",
        "inbox_url": "",
    }
    fields.update(changes)
    return agreements.create_agreement(actor=actor, **fields)


def make_import():
    subscription = Subscription.objects.create(
        name="La Strada Moldova",
        origin_url="https://portal.lastrada.example.md",
        token="fnp_abcdefgh_SUBSCRIPTION-SECRET-never-shown-0123456789",
        trusted_keys={},
    )
    release = ImportedRelease.objects.create(
        subscription=subscription,
        origin="https://portal.lastrada.example.md",
        organisation="La Strada Moldova",
        network="Moldovan anti-trafficking network",
        release_id=7,
        version=2,
        tier="aggregates",
        published_at=timezone.now() - datetime.timedelta(days=2),
        signer_kid="abcd1234efgh5678",
        digest="0" * 64,
        payload={"tables": []},
    )
    return subscription, release


# --- What a coordinator does -------------------------------------------------------


def test_registering_shows_the_token_once_and_never_again(client, coordinator, partner):
    client.force_login(coordinator)
    response = client.post(reverse("exchange_agreements:add"), form_data(partner))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "it is not shown again" in html
    raw = raw_token_in(html)
    agreement = Agreement.objects.get()
    assert check_token(raw) == agreement.token
    assert agreement.token.scopes == ["exchange:releases"]
    assert agreement.countries == ["KG", "UZ"]

    secret = raw.split("_", 2)[2]  # fnp_<prefix>_<secret>
    pages = [
        reverse("exchange_agreements:index"),
        reverse("exchange_agreements:inspect", args=[agreement.pk]),
        reverse("exchange_agreements:edit", args=[agreement.pk]),
        reverse("api_tokens:index"),
        reverse("api_tokens:inspect", args=[agreement.token.pk]),
        reverse("auditevent:index"),
        *(reverse("auditevent:inspect", args=[e.pk]) for e in AuditEvent.objects.all()),
    ]
    for path in pages:
        page = client.get(path)
        assert page.status_code == 200, path
        assert secret not in page.content.decode(), path
    inspect = client.get(pages[1]).content.decode()
    assert agreement.token.display_prefix in inspect
    assert "Kyrgyzstan" in inspect and "Uzbekistan" in inspect
    # The audit log reads the registration in words.
    created = AuditEvent.objects.get(action=actions.AGREEMENT_CREATED)
    log = client.get(reverse("auditevent:inspect", args=[created.pk])).content.decode()
    assert "Agreement registered" in log and "2020–" in log


def test_a_push_agreement_is_registered_without_a_token(client, coordinator, partner):
    client.force_login(coordinator)
    response = client.post(
        reverse("exchange_agreements:add"),
        form_data(partner, delivery="push", inbox_url="https://portal.example.md/inbox"),
    )
    assert response.status_code == 302
    assert Agreement.objects.get().token is None and not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"year_from": "2024", "year_to": "2021"}, "must not come before the first"),
        ({"min_k": "5"}, "greater than or equal to 11"),
        ({"countries": ["KG", "XX"]}, "Select a valid choice"),
        ({"countries": []}, "This field is required"),
        ({"ends_on": "2020-01-01", "starts_on": "2019-01-01"}, "end it early"),
        ({"starts_on": "not a date"}, "Enter a valid date"),
        ({"year_to": "twenty"}, "Enter a whole number"),
        ({"delivery": "push"}, "needs the partner"),
        ({"partner": "999999"}, "Select a valid choice"),
    ],
)
def test_bad_input_comes_back_on_the_form_and_saves_nothing(
    client, coordinator, partner, changes, message
):
    client.force_login(coordinator)
    response = client.post(reverse("exchange_agreements:add"), form_data(partner, **changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html.replace("&#x27;", "'")
    assert 'value="La Strada Moldova 2026"' in html  # what was typed is kept
    assert 'id="raw-token"' not in html
    assert not Agreement.objects.exists() and not ApiToken.objects.exists()


def test_editing_moves_the_token_expiry_and_cannot_change_the_partner(client, coordinator, partner):
    agreement, raw = make_agreement(coordinator, partner)
    client.force_login(coordinator)
    later = NEXT_YEAR_END.replace(year=NEXT_YEAR_END.year + 1)
    other = OrganisationFactory(name="Somebody else")
    data = form_data(partner, ends_on=later.isoformat(), partner=other.pk, delivery="push")
    response = client.post(reverse("exchange_agreements:edit", args=[agreement.pk]), data)
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.ends_on == later and agreement.partner == partner
    assert agreement.delivery == "pull"
    expires = timezone.localtime(check_token(raw).expires_at).date()
    assert expires == later + datetime.timedelta(days=1)
    assert AuditEvent.objects.filter(action=actions.AGREEMENT_CHANGED).exists()
    # A refused change keeps what was saved.
    response = client.post(
        reverse("exchange_agreements:edit", args=[agreement.pk]),
        form_data(partner, year_from="2030", year_to="2020", title="Changed"),
    )
    assert response.status_code == 200
    agreement.refresh_from_db()
    assert agreement.title == "La Strada Moldova 2026" and agreement.year_from == 2020


def test_ending_early_asks_for_a_reason_then_revokes_the_token(client, coordinator, partner):
    agreement, raw = make_agreement(coordinator, partner)
    client.force_login(coordinator)
    listing = client.get(reverse("exchange_agreements:index")).content.decode()
    end_url = reverse("exchange_agreements:end", args=[agreement.pk])
    assert end_url in listing and "End early" in listing
    inspect_url = reverse("exchange_agreements:inspect", args=[agreement.pk])
    assert end_url in client.get(inspect_url).content.decode()
    assert client.get(end_url).status_code == 200
    response = client.post(end_url, {"reason": "  "})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert check_token(raw)
    response = client.post(end_url, {"reason": "The partner lost its laptop"})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.revoked_at is not None
    with pytest.raises(TokenRefused):
        check_token(raw)
    event = AuditEvent.objects.get(action=actions.AGREEMENT_ENDED)
    assert event.actor == coordinator and event.details["reason"] == "The partner lost its laptop"
    listing = client.get(reverse("exchange_agreements:index")).content.decode()
    assert "Ended early" in listing and end_url not in listing
    assert end_url not in client.get(inspect_url).content.decode()
    # Ended is final: neither ending again nor editing changes anything.
    assert client.post(end_url, {"reason": "again"}).status_code == 302
    response = client.post(
        reverse("exchange_agreements:edit", args=[agreement.pk]), form_data(partner)
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "IOM CTDC 2026"
    assert AuditEvent.objects.filter(action=actions.AGREEMENT_ENDED).count() == 1


def test_rotating_makes_a_new_key_the_old_one_retires_and_revoking_removes_it(client, coordinator):
    client.force_login(coordinator)
    listing = client.get(reverse("exchange_keys:index")).content.decode()
    assert "Create the signing key" in listing
    assert client.post(reverse("exchange_keys:rotate")).status_code == 302
    first = SigningKey.objects.get()
    listing = client.get(reverse("exchange_keys:index")).content.decode()
    assert keys.fingerprint(first.public_key) in listing and "Rotate the key" in listing
    assert client.get(reverse("exchange_keys:rotate")).status_code == 200
    assert client.post(reverse("exchange_keys:rotate")).status_code == 302
    first.refresh_from_db()
    second = SigningKey.objects.active()
    assert first.status == "retired" and second.endorsed_by == first.kid
    assert client.get(reverse("exchange_keys:revoke", args=[second.pk])).status_code == 200
    assert client.post(reverse("exchange_keys:revoke", args=[second.pk])).status_code == 302
    second.refresh_from_db()
    assert second.status == "revoked"
    assert second.kid not in [k["kid"] for k in keys.keys_document()["keys"]]
    created = AuditEvent.objects.filter(action=actions.KEY_CREATED, actor=coordinator).count()
    assert created == 3  # first, rotated, and the one that took over the revoked one
    assert AuditEvent.objects.filter(action=actions.KEY_REVOKED, actor=coordinator).exists()


def test_rotating_without_the_current_private_key_says_what_to_do_instead_of_failing(
    client, coordinator, settings
):
    key, _private = keys.active_key(coordinator)
    (settings.EXCHANGE_KEYS_DIR / f"{key.kid}.pem").unlink()
    client.force_login(coordinator)
    response = client.post(reverse("exchange_keys:rotate"), follow=True)
    assert response.status_code == 200
    assert "private half is missing" in response.content.decode()
    assert list(SigningKey.objects.all()) == [key]
    # Revoking still works: a new, unendorsed key takes over.
    client.post(reverse("exchange_keys:revoke", args=[key.pk]))
    assert SigningKey.objects.active().endorsed_by == ""


def test_subscriptions_and_imports_show_provenance_but_never_our_token(client, coordinator):
    subscription, release = make_import()
    client.force_login(coordinator)
    for path in (
        reverse("exchange_subscriptions:index"),
        reverse("exchange_subscriptions:inspect", args=[subscription.pk]),
        reverse("exchange_imports:index"),
        reverse("exchange_imports:inspect", args=[release.pk]),
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "SUBSCRIPTION-SECRET" not in page.content.decode(), path
    inspect = client.get(reverse("exchange_imports:inspect", args=[release.pk])).content.decode()
    for shown in (
        "https://portal.lastrada.example.md",
        "Moldovan anti-trafficking network",
        "abcd 1234 efgh 5678",
        "0" * 64,
    ):
        assert shown in inspect
    assert client.get(reverse("exchange_subscriptions:add")).status_code in (302, 403, 404)


def test_a_coordinator_withdraws_a_release_from_partners_with_a_reason(client, coordinator):
    release = publish()
    client.force_login(coordinator)
    log = client.get(reverse("exchange_releases:index"))
    withdraw = reverse("exchange_releases:withdraw", args=[release.number])
    assert withdraw in log.content.decode()
    page = client.get(withdraw)
    assert page.status_code == 200
    empty = client.post(withdraw, {"reason": "   "})
    assert empty.status_code == 200
    assert outgoing.current_event(release).kind == "published"
    done = client.post(withdraw, {"reason": "Records counted twice in one workspace"})
    assert done.status_code == 302
    event = outgoing.current_event(release)
    assert (event.kind, event.version, event.reason) == (
        "withdrawn",
        2,
        "Records counted twice in one workspace",
    )
    assert AuditEvent.objects.filter(action=actions.RELEASE_WITHDRAWN, actor=coordinator).exists()
    # Withdrawn is withdrawn: the log offers no second withdrawal.
    assert withdraw not in client.get(reverse("exchange_releases:index")).content.decode()
    assert client.post(withdraw, {"reason": "Again"}).status_code == 302
    assert outgoing.current_event(release).version == 2


def test_the_withdraw_service_refuses_a_person_who_is_not_a_coordinator():
    from portal.core.policy import ActionRefused

    release = publish()
    with pytest.raises(ActionRefused):
        outgoing.withdraw(release, actor=UserFactory(is_staff=True), reason="Not mine to do")
    assert outgoing.current_event(release).kind == "published"


# --- From the attacker's side ---------------------------------------------------------


def exchange_urls(objects):
    urls = []
    for url in iter_urls(get_resolver()):
        # Admin views only: the well-known keys URL is *named* "exchange_keys".
        namespace, _sep, name = (url.name or "").partition(":")
        if namespace not in NAMESPACES or not name:
            continue
        kwargs = {"pk": objects[namespace].pk} if "pk" in url.kwarg_names else {}
        if "number" in url.kwarg_names:
            kwargs = {"number": objects[namespace].release.number}
        urls.append(reverse(url.name, kwargs=kwargs))
    return urls


@pytest.fixture
def exchange_objects(coordinator, partner):
    agreement, raw = make_agreement(coordinator, partner)
    key, _private = keys.active_key(coordinator)
    subscription, release = make_import()
    published = publish()
    return raw, {
        "exchange_agreements": agreement,
        "exchange_keys": key,
        "exchange_subscriptions": subscription,
        "exchange_imports": release,
        "exchange_releases": outgoing.current_event(published),
    }


def snapshot():
    return {
        "agreements": sorted(
            Agreement.objects.values_list("title", "tier", "ends_on", "revoked_at")
        ),
        "keys": sorted(SigningKey.objects.values_list("kid", "retired_at", "revoked_at")),
        "tokens": sorted(ApiToken.objects.values_list("prefix", "expires_at", "revoked_at")),
        "subscriptions": Subscription.objects.count(),
        "imports": ImportedRelease.objects.count(),
        "release events": ReleaseEvent.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def harmful(partner):
    return {
        **form_data(partner, title="Taken over", tier="records"),
        "reason": "Taken over",
        "name": "Taken over",
        "origin_url": "https://evil.example",
    }


@pytest.mark.parametrize("who", ["anonymous", "member", "manager", "editor", "staff"])
def test_everyone_but_coordinators_is_refused_every_exchange_admin_url(
    client, who, exchange_objects, partner
):
    raw, objects = exchange_objects
    workspace = make_workspace()
    person = {
        "anonymous": None,
        "member": add_member(workspace, UserFactory(email="member@example.org"), "member"),
        "manager": add_member(workspace, UserFactory(email="manager@example.org"), "manager"),
        "editor": in_group(UserFactory(email="editor@example.org", is_staff=True), EDITORS),
        "staff": UserFactory(email="staff@example.org", is_staff=True),
    }[who]
    if person is not None:
        client.force_login(person)
    urls = exchange_urls(objects)
    # list, add, edit, inspect, history, usage, delete, end, rotate, revoke…
    assert len(urls) >= 20
    assert reverse("exchange_agreements:end", args=[objects["exchange_agreements"].pk]) in urls
    assert reverse("exchange_keys:rotate") in urls
    before = snapshot()
    for path in urls:
        for response in (client.get(path), client.post(path, harmful(partner))):
            assert response.status_code in (302, 403), (who, path, response.status_code)
            if response.status_code == 302:
                target = urlparse(response.url).path
                assert target in ("/admin/", "/admin/login/"), (who, path, response.url)
                if who == "anonymous":
                    assert target == "/admin/login/"
            assert b"Taken over" not in response.content
            assert b"La Strada" not in response.content
    assert snapshot() == before
    assert check_token(raw)


def test_the_data_exchange_menu_is_shown_to_coordinators_only(client, coordinator):
    client.force_login(coordinator)
    assert "Data exchange" in client.get("/admin/").content.decode()
    editor = in_group(UserFactory(email="editor@example.org", is_staff=True), EDITORS)
    client.force_login(editor)
    home = client.get("/admin/")
    assert home.status_code == 200 and "Data exchange" not in home.content.decode()


@pytest.mark.parametrize("who", ["coordinator", "superuser"])
def test_nobody_deletes_agreements_or_keys(client, who, exchange_objects, coordinator):
    _raw, objects = exchange_objects
    person = coordinator if who == "coordinator" else UserFactory(is_superuser=True)
    client.force_login(person)
    before = snapshot()
    for namespace, instance in objects.items():
        path = reverse(f"{namespace}:delete", args=[instance.pk])
        assert client.get(path).status_code in (302, 403), path
        assert client.post(path).status_code in (302, 403), path
        inspect = client.get(reverse(f"{namespace}:inspect", args=[instance.pk]))
        assert path not in inspect.content.decode()
    assert snapshot() == before


def test_a_forged_cross_site_post_ends_nothing_and_rotates_nothing(coordinator, partner):
    """A page elsewhere that makes the coordinator's browser post: no CSRF token."""
    from django.test import Client

    agreement, raw = make_agreement(coordinator, partner)
    key, _private = keys.active_key(coordinator)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(coordinator)
    end_url = reverse("exchange_agreements:end", args=[agreement.pk])
    assert browser.post(end_url, {"reason": "forged"}).status_code == 403
    assert browser.post(reverse("exchange_keys:rotate")).status_code == 403
    assert browser.post(reverse("exchange_keys:revoke", args=[key.pk])).status_code == 403
    agreement.refresh_from_db()
    key.refresh_from_db()
    assert agreement.revoked_at is None and check_token(raw)
    assert key.status == "active" and SigningKey.objects.count() == 1
