"""Registering, changing and ending data-sharing agreements
(portal.exchange.agreements): the partner's token lives exactly as long as the
agreement, bad terms are refused with a message and save nothing, and only
network coordinators may do any of it."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.api.models import ApiToken, Scope
from portal.api.tokens import TokenRefused, check_token
from portal.core.policy import ActionRefused
from portal.core.roles import EDITORS, NETWORK_COORDINATORS
from portal.exchange import agreements
from portal.exchange import audit_actions as actions
from portal.exchange.models import Agreement, Delivery, EventKind, PushDelivery, ReleaseEvent
from portal.members.models import AuditEvent
from tests.factories import OrganisationFactory, UserFactory, add_member, make_workspace

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture(autouse=True)
def english_interface(settings):
    settings.LANGUAGE_CODE = "en"


def in_group(user, name):
    user.groups.add(Group.objects.get(name=name))
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def coordinator():
    return in_group(UserFactory(email="coordinator@example.org"), NETWORK_COORDINATORS)


@pytest.fixture
def partner():
    return OrganisationFactory(name="La Strada Moldova", country="OTHER", verified=False)


def terms(partner, **changes):
    fields = {
        "title": "La Strada Moldova, 2026–2027",
        "partner": partner,
        "tier": "aggregates",
        "min_k": 11,
        "countries": ["UZ", "KG"],
        "year_from": 2020,
        "year_to": TODAY.year,
        "starts_on": TODAY,
        "ends_on": TODAY.replace(year=TODAY.year + 1, month=12, day=31),
        "contact_name": "Ion Rusu",
        "contact_email": "data@lastrada.example.md",
        "delivery": Delivery.PULL,
        "inbox_url": "",
    }
    fields.update(changes)
    return fields


def test_a_pull_agreement_comes_with_an_exchange_token_that_ends_with_it(coordinator, partner):
    agreement, raw = agreements.create_agreement(actor=coordinator, **terms(partner))
    token = check_token(raw)
    assert token == agreement.token and token.organisation == partner
    assert token.scopes == [Scope.EXCHANGE]
    last_day = agreement.ends_on
    assert timezone.localtime(token.expires_at).date() == last_day + datetime.timedelta(days=1)
    assert timezone.localtime(token.expires_at).time() == datetime.time.min
    assert agreement.countries == ["KG", "UZ"] and agreement.created_by == coordinator
    assert agreement.is_in_force()


def test_registering_is_audited_with_the_terms_and_never_the_token(coordinator, partner):
    agreement, raw = agreements.create_agreement(actor=coordinator, **terms(partner))
    event = AuditEvent.objects.get(action=actions.AGREEMENT_CREATED)
    assert event.actor == coordinator and event.target_id == str(agreement.pk)
    assert event.details["agreement"] == str(agreement.uid)
    assert event.details["tier"] == "aggregates"
    assert event.details["countries"] == ["KG", "UZ"]
    assert event.details["years"] == f"2020–{TODAY.year}"
    secret = raw.split("_", 2)[2]  # fnp_<prefix>_<secret>
    for logged in AuditEvent.objects.all():
        assert raw not in str(logged.details) and secret not in str(logged.details)
        assert secret not in logged.target_repr


def test_a_push_agreement_has_no_token(coordinator, partner):
    agreement, raw = agreements.create_agreement(
        actor=coordinator,
        **terms(partner, delivery=Delivery.PUSH, inbox_url="https://portal.example.md/inbox"),
    )
    assert raw is None and agreement.token is None
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {
                "starts_on": TODAY - datetime.timedelta(days=60),
                "ends_on": TODAY - datetime.timedelta(days=1),
            },
            "ends_on",
            "To stop an agreement now, end it early",
        ),
        (
            {"starts_on": TODAY + datetime.timedelta(days=30), "ends_on": TODAY},
            "ends_on",
            "must end after it starts",
        ),
        ({"year_from": 2024, "year_to": 2021}, "year_to", "must not come before"),
        ({"year_from": 1975}, "year_from", "start in 2000"),
        ({"year_to": TODAY.year + 5}, "year_to", "cannot come after the agreement ends"),
        ({"countries": []}, "countries", "at least one country"),
        ({"countries": ["KG", "XX", "SU"]}, "countries", "Unknown country codes: SU, XX"),
        ({"min_k": 10}, "min_k", "greater than or equal to 11"),
        ({"min_k": 1}, "min_k", "greater than or equal to 11"),
        ({"delivery": Delivery.PUSH}, "inbox_url", "needs the partner's inbox URL"),
        ({"inbox_url": "https://portal.example.md/inbox"}, "inbox_url", "only when the portal"),
        ({"contact_email": "not an address"}, "contact_email", "valid email"),
    ],
)
def test_bad_terms_are_refused_with_a_message_and_nothing_is_saved(
    coordinator, partner, changes, field, message
):
    with pytest.raises(ValidationError) as refused:
        agreements.create_agreement(actor=coordinator, **terms(partner, **changes))
    assert message in " ".join(refused.value.message_dict[field])
    assert not Agreement.objects.exists()
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action=actions.AGREEMENT_CREATED).exists()


@pytest.mark.parametrize("who", ["editor", "member", "manager", "staff", "anonymous"])
def test_only_coordinators_may_register_change_or_end_agreements(who, coordinator, partner):
    from django.contrib.auth.models import AnonymousUser

    workspace = make_workspace()
    people = {
        "editor": in_group(UserFactory(is_staff=True), EDITORS),
        "member": add_member(workspace, UserFactory(), "member"),
        "manager": add_member(workspace, UserFactory(), "manager"),
        "staff": UserFactory(is_staff=True),
        "anonymous": AnonymousUser(),
    }
    person = people[who]
    assert not agreements.can_manage_exchange(person)
    with pytest.raises(ActionRefused):
        agreements.create_agreement(actor=person, **terms(partner, title="Not theirs"))
    agreement, raw = agreements.create_agreement(actor=coordinator, **terms(partner))
    with pytest.raises(ActionRefused):
        agreements.update_agreement(agreement, actor=person, tier="records")
    with pytest.raises(ActionRefused):
        agreements.end_agreement(agreement, actor=person, reason="Because")
    agreement.refresh_from_db()
    assert agreement.tier == "aggregates" and agreement.revoked_at is None
    assert not Agreement.objects.filter(title="Not theirs").exists()
    assert check_token(raw) == agreement.token


def test_superusers_manage_exchange_too(partner):
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert agreements.can_manage_exchange(admin)
    agreement, raw = agreements.create_agreement(actor=admin, **terms(partner))
    assert raw and agreement.pk


def test_moving_the_end_date_moves_the_token_expiry_and_is_audited(coordinator, partner):
    agreement, raw = agreements.create_agreement(actor=coordinator, **terms(partner))
    later = agreement.ends_on.replace(year=agreement.ends_on.year + 1)
    agreements.update_agreement(
        agreement, actor=coordinator, ends_on=later, contact_name="Maria Rusu"
    )
    token = check_token(raw)
    assert timezone.localtime(token.expires_at).date() == later + datetime.timedelta(days=1)
    event = AuditEvent.objects.get(action=actions.AGREEMENT_CHANGED)
    assert event.details["fields"] == ["contact_name", "ends_on"]
    assert raw not in str(event.details)
    sooner = TODAY + datetime.timedelta(days=10)
    agreements.update_agreement(agreement, actor=coordinator, ends_on=sooner, year_to=TODAY.year)
    token.refresh_from_db()
    assert timezone.localtime(token.expires_at).date() == sooner + datetime.timedelta(days=1)


def test_a_refused_change_keeps_the_agreement_and_its_token(coordinator, partner):
    agreement, raw = agreements.create_agreement(actor=coordinator, **terms(partner))
    expiry = agreement.token.expires_at
    with pytest.raises(ValidationError) as refused:
        agreements.update_agreement(
            agreement, actor=coordinator, ends_on=TODAY - datetime.timedelta(days=3)
        )
    assert "end it early" in " ".join(refused.value.message_dict["ends_on"])
    agreement.refresh_from_db()
    assert agreement.ends_on > TODAY and agreement.token.expires_at == expiry
    assert not AuditEvent.objects.filter(action=actions.AGREEMENT_CHANGED).exists()


def test_the_partner_and_the_delivery_cannot_change(coordinator, partner):
    agreement, _raw = agreements.create_agreement(actor=coordinator, **terms(partner))
    with pytest.raises(TypeError):
        agreements.update_agreement(agreement, actor=coordinator, partner=OrganisationFactory())
    agreement.refresh_from_db()
    assert agreement.partner == partner


def test_ending_early_revokes_the_token_and_drops_queued_pushes(coordinator, partner):
    from tests.reports.factories import publish

    agreement, raw = agreements.create_agreement(actor=coordinator, **terms(partner))
    push, _ = agreements.create_agreement(
        actor=coordinator,
        **terms(partner, delivery=Delivery.PUSH, inbox_url="https://portal.example.md/inbox"),
    )
    release = publish()
    # The release log may already hold this release's events (the publishing
    # signal writes them): take the next versions.
    last = max(
        ReleaseEvent.objects.filter(release=release).values_list("version", flat=True), default=0
    )
    events = [
        ReleaseEvent.objects.create(release=release, kind=EventKind.PUBLISHED, version=last + n)
        for n in (1, 2)
    ]
    delivered, _ = PushDelivery.objects.get_or_create(agreement=push, event=events[0])
    PushDelivery.objects.filter(pk=delivered.pk).update(delivered_at=timezone.now())
    queued, _ = PushDelivery.objects.get_or_create(agreement=push, event=events[1])

    agreements.end_agreement(agreement, actor=coordinator, reason="The partner asked to stop")
    agreement.refresh_from_db()
    assert agreement.revoked_at and not agreement.is_in_force()
    assert agreement.status_label == "Ended early"
    with pytest.raises(TokenRefused) as refused:
        check_token(raw)
    assert refused.value.reason == "revoked"
    event = AuditEvent.objects.get(action=actions.AGREEMENT_ENDED)
    assert event.details["reason"] == "The partner asked to stop"
    assert event.details["agreement"] == str(agreement.uid)

    agreements.end_agreement(push, actor=coordinator, reason="Inbox gone")
    queued.refresh_from_db()
    delivered.refresh_from_db()
    assert queued.abandoned_at is not None
    assert delivered.abandoned_at is None  # what was delivered stays delivered


def test_ending_needs_a_reason_and_happens_once(coordinator, partner):
    agreement, raw = agreements.create_agreement(actor=coordinator, **terms(partner))
    with pytest.raises(ValidationError) as refused:
        agreements.end_agreement(agreement, actor=coordinator, reason="   ")
    assert "Say why" in refused.value.message_dict["reason"][0]
    assert check_token(raw)  # still works: nothing ended
    agreements.end_agreement(agreement, actor=coordinator, reason="Token reported lost")
    with pytest.raises(ActionRefused):
        agreements.end_agreement(agreement, actor=coordinator, reason="Again")
    with pytest.raises(ActionRefused):
        agreements.update_agreement(agreement, actor=coordinator, tier="records")
    assert AuditEvent.objects.filter(action=actions.AGREEMENT_ENDED).count() == 1
