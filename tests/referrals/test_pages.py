"""The referral pages under /workspaces/<slug>/referrals/, from both sides
and from the attacker's: observers, a third organisation, a coordinator, an
outsider, an anonymous visitor, a made-up id, the right id under the wrong
address, a page loaded before a revocation, a cross-site form."""

import datetime

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from portal.members.models import AuditEvent
from portal.referrals import lifecycle
from portal.referrals.models import Referral
from tests.factories import add_member
from tests.referrals.builders import send_referral

pytestmark = pytest.mark.django_db

NEEDS = "Safe accommodation for two weeks and counselling in Uzbek."


def url(name, workspace, **kwargs):
    return reverse(f"workspace_referrals:{name}", kwargs={"slug": workspace.slug, **kwargs})


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def form_data(world, **changes):
    data = {
        "provider": world["provider"].pk,
        "services": ["shelter", "psychological"],
        "phase": "first_assistance",
        "urgency": "urgent",
        "languages": ["uz"],
        "needs": NEEDS,
        "sender_contact": "Weekdays 9-18 through the thread.",
        "data_categories": ["profile"],
        "consent_given": "on",
        "consent_given_by": "person",
        "consent_date": datetime.date.today().isoformat(),
        "consent_method": "oral",
        "consent_services": ["shelter", "psychological"],
        "consent_data": ["profile"],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def page_text(response):
    return response.content.decode()


# Sending ----------------------------------------------------------------------


def test_the_report_offers_refer_this_case_to_its_case_workers_only(world):
    report = world["report"]
    create = url("create", world["osh"], case_id=world["case"].pk)
    as_member = signed_in(world["osh_member"]).get(report.get_absolute_url())
    assert as_member.status_code == 200
    assert create in page_text(as_member)
    assert "Refer this case" in page_text(as_member)
    as_observer = signed_in(world["osh_observer"]).get(report.get_absolute_url())
    assert as_observer.status_code == 200
    assert create not in page_text(as_observer)


def test_a_case_worker_refers_a_case_with_consent(world):
    client = signed_in(world["osh_member"])
    create = url("create", world["osh"], case_id=world["case"].pk)
    form = client.get(create)
    assert form.status_code == 200
    # The provider list: takes referrals, never the own workspace.
    assert world["provider"].display_name in page_text(form)
    response = client.post(create, form_data(world))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == url("detail", world["osh"], referral_id=referral.pk)
    assert referral.consent_given and referral.consent_method == "oral"
    assert referral.case_data["citizenship"] == "UZ"
    assert referral.to_workspace == world["andijan"]


def test_without_consent_the_form_says_why_and_keeps_what_was_typed(world):
    client = signed_in(world["osh_member"])
    create = url("create", world["osh"], case_id=world["case"].pk)
    response = client.post(create, form_data(world, consent_given=None))
    assert response.status_code == 400
    assert "the referral is refused" in page_text(response)
    assert "override_reason" in response.context["form"].errors
    assert NEEDS in page_text(response)  # nothing typed is lost
    assert not Referral.objects.exists()


def test_an_override_with_a_reason_is_sent_and_shown_to_the_recipient(world):
    reason = "A child at immediate risk of being moved across the border tonight."
    client = signed_in(world["osh_member"])
    create = url("create", world["osh"], case_id=world["case"].pk)
    response = client.post(create, form_data(world, consent_given=None, override_reason=reason))
    assert response.status_code == 302
    referral = Referral.objects.get()
    page = signed_in(world["andijan_member"]).get(
        url("detail", world["andijan"], referral_id=referral.pk)
    )
    assert page.status_code == 200
    assert "data-override" in page_text(page)
    assert reason in page_text(page)


def test_personal_data_in_the_needs_is_refused_with_a_message(world):
    client = signed_in(world["osh_member"])
    create = url("create", world["osh"], case_id=world["case"].pk)
    response = client.post(create, form_data(world, needs="Call her on +998 90 123 45 67 tonight."))
    assert response.status_code == 400
    assert response.context["form"].errors["needs"]
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    "garbage",
    [
        {"provider": "999999"},
        {"provider": "not-a-number"},
        {"services": ["teleportation"]},
        {"phase": "<script>"},
        {"urgency": "yesterday"},
        {"languages": ["xx"]},
        {"data_categories": ["identity"]},
        {"consent_date": "2024-13-45"},
        {"consent_date": "9999-01-01"},
        {"consent_given_by": "neighbour"},
        {"consent_services": ["\x00"]},
        {"needs": "x" * 5000},
    ],
)
def test_garbage_on_the_referral_form_is_a_400_not_a_500(world, garbage):
    client = signed_in(world["osh_member"])
    create = url("create", world["osh"], case_id=world["case"].pk)
    response = client.post(create, form_data(world, **garbage))
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_a_case_of_another_workspace_cannot_be_referred_from_this_address(world):
    # The Khujand owner, at their own workspace's address, naming Osh's case.
    client = signed_in(world["third_owner"])
    response = client.get(url("create", world["third"], case_id=world["case"].pk))
    assert response.status_code == 404
    assert (
        client.post(
            url("create", world["third"], case_id=world["case"].pk), form_data(world)
        ).status_code
        == 404
    )
    assert not Referral.objects.exists()


def test_an_observer_cannot_open_the_referral_form(world):
    client = signed_in(world["osh_observer"])
    create = url("create", world["osh"], case_id=world["case"].pk)
    assert client.get(create).status_code == 403
    assert client.post(create, form_data(world)).status_code == 403
    assert not Referral.objects.exists()


# Both sides ----------------------------------------------------------------------


def test_the_recipient_sees_the_referral_and_who_to_reach(world):
    referral = send_referral(world)
    client = signed_in(world["andijan_member"])
    listing = client.get(url("list", world["andijan"]))
    assert listing.status_code == 200
    assert referral.reference in page_text(listing)
    page = client.get(url("detail", world["andijan"], referral_id=referral.pk))
    text = page_text(page)
    assert page.status_code == 200
    assert NEEDS in text
    assert "osh.member@example.org" in text  # the referring worker's account
    assert "Weekdays 9-18 through the portal thread." in text
    assert "data-consent" in text
    assert "Uzbekistan" in text  # the coded case data, in words
    # The recipient's buttons, not the sender's.
    assert url("accept", world["andijan"], referral_id=referral.pk) in text
    assert url("decline", world["andijan"], referral_id=referral.pk) in text
    assert url("revoke", world["andijan"], referral_id=referral.pk) not in text
    assert AuditEvent.objects.filter(action="referrals.viewed", workspace=world["andijan"]).exists()


def test_the_sender_sees_revoke_and_edit_but_not_accept(world):
    referral = send_referral(world)
    text = page_text(
        signed_in(world["osh_member"]).get(url("detail", world["osh"], referral_id=referral.pk))
    )
    assert url("revoke", world["osh"], referral_id=referral.pk) in text
    assert url("edit", world["osh"], referral_id=referral.pk) in text
    assert url("accept", world["osh"], referral_id=referral.pk) not in text


def test_the_whole_lifecycle_through_the_pages(world):
    referral = send_referral(world)
    osh, andijan = world["osh"], world["andijan"]
    recipient = signed_in(world["andijan_member"])
    sender = signed_in(world["osh_member"])
    assert recipient.post(url("accept", andijan, referral_id=referral.pk)).status_code == 302
    assert Referral.objects.get().status == "accepted"
    assert (
        recipient.post(
            url("message_add", andijan, referral_id=referral.pk), {"body": "A room is ready."}
        ).status_code
        == 302
    )
    assert (
        sender.post(
            url("message_add", osh, referral_id=referral.pk), {"body": "Thank you."}
        ).status_code
        == 302
    )
    step = {
        "kind": "service",
        "service": "shelter",
        "date": datetime.date.today().isoformat(),
        "note": "Two weeks.",
    }
    assert (
        recipient.post(url("step_add", andijan, referral_id=referral.pk), step).status_code == 302
    )
    closed = recipient.post(
        url("close", andijan, referral_id=referral.pk),
        {"outcome": "completed", "note": "Went home."},
    )
    assert closed.status_code == 302
    page = page_text(sender.get(url("detail", osh, referral_id=referral.pk)))
    assert "A room is ready." in page and "Thank you." in page and "Two weeks." in page
    assert "Services provided as planned" in page
    assert Referral.objects.get().status == "closed"


def test_the_sender_editing_after_acceptance_gets_409_with_the_reason(world):
    referral = send_referral(world)
    lifecycle.accept(world["andijan_member"], referral)
    client = signed_in(world["osh_member"])
    edit = url("edit", world["osh"], referral_id=referral.pk)
    page = client.get(edit)
    assert page.status_code == 409
    assert "can no longer change it" in page_text(page)
    posted = client.post(
        edit,
        {"services": ["shelter"], "phase": "long_term", "urgency": "routine", "needs": "Changed."},
    )
    assert posted.status_code == 409
    assert Referral.objects.get().phase == "first_assistance"


def test_the_sender_edits_before_an_answer(world):
    referral = send_referral(world)
    client = signed_in(world["osh_member"])
    edit = url("edit", world["osh"], referral_id=referral.pk)
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {
            "services": ["shelter"],
            "phase": "first_assistance",
            "urgency": "immediate",
            "needs": NEEDS,
        },
    )
    assert response.status_code == 302
    assert Referral.objects.get().urgency == "immediate"


def test_a_decline_needs_a_reason_and_keeps_the_page(world):
    referral = send_referral(world)
    client = signed_in(world["andijan_member"])
    response = client.post(
        url("decline", world["andijan"], referral_id=referral.pk), {"reason": ""}
    )
    assert response.status_code == 400
    assert response.context["decline_form"].errors["reason"]
    assert Referral.objects.get().status == "pending"


@pytest.mark.parametrize("end", ["revoke", "decline"])
def test_the_recipient_gets_404_at_once_after_a_revocation_or_a_decline(world, end):
    referral = send_referral(world)
    recipient = signed_in(world["andijan_member"])
    detail = url("detail", world["andijan"], referral_id=referral.pk)
    assert recipient.get(detail).status_code == 200
    if end == "revoke":
        lifecycle.revoke(world["osh_member"], referral, "The person chose another shelter.")
    else:
        lifecycle.decline(world["andijan_member"], referral, "No free places this month.")
    assert recipient.get(detail).status_code == 404
    message = recipient.post(
        url("message_add", world["andijan"], referral_id=referral.pk), {"body": "Still there?"}
    )
    assert message.status_code == 404
    assert referral.reference not in page_text(recipient.get(url("list", world["andijan"])))
    assert not referral.messages.exists()
    # The sender still sees it, with the reason.
    assert (
        signed_in(world["osh_member"])
        .get(url("detail", world["osh"], referral_id=referral.pk))
        .status_code
        == 200
    )


# The attacker's side ----------------------------------------------------------------

ACTIONS = ("accept", "decline", "revoke", "close", "message_add", "step_add", "edit")
POST = {
    "reason": "Not ours.",
    "body": "Hello.",
    "outcome": "completed",
    "kind": "contact",
    "date": datetime.date.today().isoformat(),
    "services": ["shelter"],
    "phase": "return",
    "urgency": "routine",
    "needs": "Changed.",
}


@pytest.mark.parametrize(
    ("who", "side", "status"),
    [
        ("osh_observer", "osh", 403),
        ("andijan_observer", "andijan", 403),
        ("third_owner", "osh", 404),
        ("third_owner", "andijan", 404),
        ("third_owner", "third", 404),
        ("coordinator", "osh", 404),
        ("coordinator", "andijan", 404),
        ("outsider", "andijan", 404),
    ],
)
def test_people_outside_the_referral_get_nothing(world, who, side, status):
    referral = send_referral(world)
    client = signed_in(world[who])
    workspace = world[side]
    detail = client.get(url("detail", workspace, referral_id=referral.pk))
    assert detail.status_code == status
    assert NEEDS not in page_text(detail)
    listing = client.get(url("list", workspace))
    if side == "third":  # their own list: open, without the referral
        assert listing.status_code == 200
        assert referral.reference not in page_text(listing)
    else:
        assert listing.status_code == status
    for action in ACTIONS:
        response = client.post(url(action, workspace, referral_id=referral.pk), POST)
        assert response.status_code == status, action
    fresh = Referral.objects.get()
    assert fresh.status == "pending" and fresh.phase == "first_assistance"
    assert not fresh.messages.exists()


def test_anonymous_visitors_are_sent_to_sign_in(world):
    referral = send_referral(world)
    client = Client()
    for address in (
        url("list", world["osh"]),
        url("detail", world["osh"], referral_id=referral.pk),
        url("create", world["osh"], case_id=world["case"].pk),
    ):
        response = client.get(address)
        assert response.status_code == 302
        assert response.url.startswith(resolve_url(settings.LOGIN_URL))
    response = client.post(url("accept", world["andijan"], referral_id=referral.pk))
    assert response.status_code == 302 and response.url.startswith(resolve_url(settings.LOGIN_URL))
    assert Referral.objects.get().status == "pending"


def test_a_made_up_id_and_the_right_id_under_the_wrong_address_are_404(world):
    referral = send_referral(world)
    # The Osh member is a case worker in Khujand too: still, Khujand's address
    # does not open Osh's referral.
    add_member(world["third"], world["osh_member"], "member")
    client = signed_in(world["osh_member"])
    assert (
        client.get(url("detail", world["osh"], referral_id=referral.pk + 1000)).status_code == 404
    )
    assert client.get(url("detail", world["third"], referral_id=referral.pk)).status_code == 404
    assert (
        client.post(
            url("revoke", world["third"], referral_id=referral.pk), {"reason": "Gone."}
        ).status_code
        == 404
    )
    assert Referral.objects.get().status == "pending"


def test_a_cross_site_form_cannot_answer_for_the_recipient(world):
    referral = send_referral(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["andijan_member"])
    response = client.post(
        url("accept", world["andijan"], referral_id=referral.pk),
        HTTP_ORIGIN="https://attacker.example",
        HTTP_REFERER="https://attacker.example/page",
        secure=True,
    )
    assert response.status_code == 403
    assert Referral.objects.get().status == "pending"


def test_the_referrals_tab_shows_to_case_workers_only(world):
    tab = url("list", world["osh"])
    overview = world["osh"].get_absolute_url()
    assert tab in page_text(signed_in(world["osh_member"]).get(overview))
    assert tab not in page_text(signed_in(world["osh_observer"]).get(overview))


def test_the_list_puts_overdue_referrals_first_and_filters(world):
    from django.utils import timezone

    older = send_referral(world)
    newer = send_referral(world)
    Referral.objects.filter(pk=older.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    client = signed_in(world["osh_member"])
    text = page_text(client.get(url("list", world["osh"])))
    assert text.index(older.reference) < text.index(newer.reference)
    assert "Overdue" in text
    lifecycle.accept(world["andijan_member"], newer)
    accepted = page_text(client.get(url("list", world["osh"]), {"status": "accepted"}))
    assert newer.reference in accepted and older.reference not in accepted
    received = page_text(client.get(url("list", world["osh"]), {"direction": "received"}))
    assert older.reference not in received
    assert client.get(url("list", world["osh"]), {"status": "lost"}).status_code == 400


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("step_add", {"kind": "teleport", "date": "yesterday"}),
        ("step_add", {"kind": "service", "service": "", "date": "2020-01-01"}),
        ("step_add", {"kind": "contact", "date": "3000-01-01"}),
        ("close", {"outcome": "<b>"}),
        ("message_add", {"body": "x" * 5000}),
        ("message_add", {"body": "Her passport number is AB1234567."}),
    ],
)
def test_garbage_on_the_recipients_forms_is_a_400(world, action, data):
    referral = send_referral(world)
    lifecycle.accept(world["andijan_member"], referral)
    response = signed_in(world["andijan_member"]).post(
        url(action, world["andijan"], referral_id=referral.pk), data
    )
    assert response.status_code == 400
    fresh = Referral.objects.get()
    assert fresh.status == "accepted"
    assert not fresh.steps.exists() and not fresh.messages.exists()


def test_a_side_cannot_do_the_other_sides_part_through_the_pages(world):
    referral = send_referral(world)
    sender = signed_in(world["osh_member"])
    recipient = signed_in(world["andijan_member"])
    assert sender.post(url("accept", world["osh"], referral_id=referral.pk)).status_code == 403
    refused = recipient.post(
        url("revoke", world["andijan"], referral_id=referral.pk), {"reason": "Not yours."}
    )
    assert refused.status_code == 403
    assert recipient.get(url("edit", world["andijan"], referral_id=referral.pk)).status_code == 403
    assert Referral.objects.get().status == "pending"
