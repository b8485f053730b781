"""The coordinators' view of the network's referrals (Wagtail admin,
"Referrals → Referrals"): parties, TRM phase, urgency, status, dates, overdue,
consent or override, legal hold. Never the needs, the case data, the consent's
details, the thread, the steps or the documents. Anyone else (page editors,
the case workers of either side, anonymous visitors) is refused on every URL
and changes nothing. Setting and lifting a legal hold is audited."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from portal.core.roles import EDITORS
from portal.members import retention as members_retention
from portal.members.models import AuditEvent
from portal.referrals import lifecycle
from portal.referrals.models import Referral
from tests.referrals.builders import send_referral

pytestmark = pytest.mark.django_db

# Unique words in each text a coordinator must never see.
NEEDS = "Wombatgranite needs a bed and counselling in Uzbek."
OVERRIDE = "Narwhalpepper: a child at immediate risk, no guardian reachable tonight."
CONTACT = "Ask for Marmosetcobalt at the front desk."
DECLINE = "Ibexsaffron: no beds for men this month."
MESSAGE = "Pangolinjade: we can take her on Monday."
STEP = "Axolotlamber: first counselling session held."
OUTCOME = "Okapiviolet: returned to her family in Osh."
SECRETS = ("Wombatgranite", "Narwhalpepper", "Marmosetcobalt", "Ibexsaffron", "Pangolinjade")
SECRETS += ("Axolotlamber", "Okapiviolet")


@pytest.fixture
def referrals(world):
    """One of each: waiting (overdue), declined, closed with thread and step,
    and one sent without consent (override)."""
    recipient = world["andijan_member"]
    waiting = send_referral(world, needs=NEEDS, sender_contact=CONTACT, urgency="immediate")
    Referral.objects.filter(pk=waiting.pk).update(
        due_at=timezone.now() - datetime.timedelta(hours=5)
    )
    declined = lifecycle.decline(recipient, send_referral(world, needs=NEEDS), DECLINE)
    closed = lifecycle.accept(recipient, send_referral(world, needs=NEEDS, phase="long_term"))
    lifecycle.post_message(recipient, closed, MESSAGE)
    lifecycle.record_step(recipient, closed, "review", timezone.localdate(), STEP)
    closed = lifecycle.close(recipient, closed, "returned", OUTCOME)
    override = send_referral(
        world,
        needs=NEEDS,
        consent=lifecycle.Consent(given=False, override_reason=OVERRIDE),
        data_categories=(),
    )
    return {"waiting": waiting, "declined": declined, "closed": closed, "override": override}


def row(html, referral):
    """The table row of one referral."""
    start = html.index(referral.reference)
    return html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]


def index_url(**filters):
    url = reverse("referrals_referrals:index")
    if filters:
        url += "?" + "&".join(f"{k}={v}" for k, v in filters.items())
    return url


def hold_url(referral):
    return reverse("referrals_referrals:hold", args=[referral.pk])


def test_coordinator_sees_every_referral_with_its_metadata_only(client, world, referrals):
    client.force_login(world["coordinator"])
    response = client.get(index_url())
    assert response.status_code == 200
    html = response.content.decode()
    for referral in referrals.values():
        assert referral.reference in html
    # Parties: organisations and workspaces of both sides.
    for name in ("Osh Migrant Help", "Osh cases", "Andijan Shelter", "Andijan intake"):
        assert name in html
    assert "First assistance and protection" in html  # the TRM phase
    assert "Long-term assistance and social inclusion" in html
    assert "Immediate: a person at risk now" in html  # urgency
    for status in ("Waiting for an answer", "Declined", "Closed"):
        assert status in html
    assert "Overdue" in row(html, referrals["waiting"])
    assert "Overdue" not in row(html, referrals["declined"])
    assert "override" in row(html, referrals["override"])
    assert "override" not in row(html, referrals["closed"])
    assert "consent" in row(html, referrals["closed"])
    # Never what the two organisations wrote, nor the case data or consent details.
    for word in SECRETS:
        assert word not in html, word
    assert "Female" not in html and "18--20" not in html  # the case data snapshot
    assert "The person themself" not in html  # who consented
    assert "Signed consent form" not in html  # how


def test_the_list_filters_by_status_phase_and_country(client, world, referrals):
    client.force_login(world["coordinator"])
    html = client.get(index_url(status="declined")).content.decode()
    assert referrals["declined"].reference in html
    assert referrals["waiting"].reference not in html
    html = client.get(index_url(phase="long_term")).content.decode()
    assert referrals["closed"].reference in html
    assert referrals["declined"].reference not in html
    # Either side: Osh (KG) sends, Andijan (UZ) receives.
    for country in ("KG", "UZ"):
        html = client.get(index_url(country=country)).content.decode()
        assert all(r.reference in html for r in referrals.values()), country
    html = client.get(index_url(country="TJ")).content.decode()
    assert not any(r.reference in html for r in referrals.values())


def test_a_made_up_filter_value_is_no_server_error(client, world, referrals):
    client.force_login(world["coordinator"])
    response = client.get(index_url(status="exploded", country="ZZ", phase="<script>"))
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[-1].split("</main>")[0]


def test_there_is_no_page_that_could_show_a_referrals_content(client, world, referrals):
    for name in ("edit", "inspect", "delete", "history", "usage", "add", "copy"):
        with pytest.raises(NoReverseMatch):
            reverse(f"referrals_referrals:{name}", args=[referrals["closed"].pk])
    client.force_login(world["coordinator"])
    for path in ("edit", "inspect", "history", "usage"):
        url = f"/admin/referrals/referrals/{path}/{referrals['closed'].pk}/"
        assert client.get(url).status_code == 404


def staff_with_admin_access(user):
    # Wagtail's admin needs the access permission; give it, so the referral
    # view's own rule is what refuses.
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


@pytest.mark.parametrize(
    "person", ["editor", "osh_owner", "osh_member", "andijan_owner", "andijan_manager", "outsider"]
)
def test_anyone_but_a_coordinator_is_refused_and_changes_nothing(client, world, referrals, person):
    if person == "editor":
        from tests.factories import UserFactory

        user = UserFactory(email="pages@example.org")
        user.groups.add(Group.objects.get(name=EDITORS))
    else:
        user = world[person]
    client.force_login(staff_with_admin_access(user))
    before = AuditEvent.objects.count()
    target = referrals["closed"]
    for url in (index_url(), hold_url(target), index_url(status="closed")):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert target.reference not in response.content.decode()
    assert client.post(hold_url(target), {"held": "1"}).status_code in (302, 403)
    assert not Referral.objects.get(pk=target.pk).legal_hold
    assert AuditEvent.objects.count() == before
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert index_url() not in menu


def test_anonymous_visitor_is_sent_to_sign_in(client, referrals):
    for url in (index_url(), hold_url(referrals["closed"])):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    assert client.post(hold_url(referrals["closed"]), {"held": "1"}).status_code == 302
    assert not Referral.objects.get(pk=referrals["closed"].pk).legal_hold


def test_coordinator_sets_and_lifts_a_legal_hold_and_each_is_audited(client, world, referrals):
    coordinator = world["coordinator"]
    target = referrals["closed"]
    client.force_login(coordinator)
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert index_url() in menu
    assert hold_url(target) in client.get(index_url()).content.decode()

    confirm = client.get(hold_url(target))
    assert confirm.status_code == 200
    assert target.reference in confirm.content.decode()
    assert not Referral.objects.get(pk=target.pk).legal_hold  # a GET changes nothing

    response = client.post(hold_url(target), {"held": "1"})
    assert response.status_code == 302 and response["Location"] == index_url()
    assert Referral.objects.get(pk=target.pk).legal_hold
    response = client.post(hold_url(target), {"held": "0"})
    assert not Referral.objects.get(pk=target.pk).legal_hold

    events = list(
        AuditEvent.objects.filter(actor=coordinator, details__referral=target.reference).order_by(
            "id"
        )
    )
    assert [(e.action, e.workspace_id) for e in events] == [
        (members_retention.LEGAL_HOLD_SET, world["osh"].pk),
        (members_retention.LEGAL_HOLD_SET, world["andijan"].pk),
        (members_retention.LEGAL_HOLD_LIFTED, world["osh"].pk),
        (members_retention.LEGAL_HOLD_LIFTED, world["andijan"].pk),
    ]
    assert all(word not in str(e.details) for e in events for word in SECRETS)


def test_a_made_up_referral_id_is_not_found_for_a_coordinator(client, world):
    client.force_login(world["coordinator"])
    assert client.get("/admin/referrals/referrals/hold/999999/").status_code == 404
    assert client.post("/admin/referrals/referrals/hold/999999/").status_code == 404


def test_a_confirmation_left_open_never_undoes_another_coordinators_hold(client, world, referrals):
    target = referrals["closed"]
    client.force_login(world["coordinator"])
    page = client.get(hold_url(target)).content.decode()
    assert 'name="held" value="1"' in page  # this page asks to set the hold
    client.post(hold_url(target), {"held": "1"})  # meanwhile, someone else sets it
    before = AuditEvent.objects.count()
    response = client.post(hold_url(target), {"held": "1"})  # the page left open
    assert response.status_code == 302
    assert Referral.objects.get(pk=target.pk).legal_hold
    assert AuditEvent.objects.count() == before


def test_a_hold_post_without_the_confirmed_state_changes_nothing(client, world, referrals):
    target = referrals["closed"]
    client.force_login(world["coordinator"])
    for data in ({}, {"held": "maybe"}):
        response = client.post(hold_url(target), data)
        assert response.status_code == 400
        assert "nothing was changed" in response.content.decode()
    assert not Referral.objects.get(pk=target.pk).legal_hold
    assert not AuditEvent.objects.filter(action=members_retention.LEGAL_HOLD_SET).exists()
