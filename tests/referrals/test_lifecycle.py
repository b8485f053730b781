"""A referral's lifecycle through the services, and the policy from every
side: the case workers of both organisations may act as their side allows;
observers, a third organisation, coordinators and outsiders get nothing."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from portal.core.policy import ActionRefused
from portal.members.models import AuditEvent
from portal.referrals import lifecycle, policy
from portal.referrals.models import Referral
from tests.referrals.builders import send_referral

pytestmark = pytest.mark.django_db


def test_a_referral_carries_only_the_consented_coded_data(world):
    referral = send_referral(world, data_categories=("profile",))
    assert referral.status == "pending"
    assert referral.case_data == {
        "yearOfRegistration": 2023,
        "gender": "Female",
        "ageBroad": "18--20",
        "citizenship": "UZ",
    }
    assert referral.to_workspace == world["andijan"]
    assert referral.from_country == "KG" and referral.to_country == "UZ"
    # Urgent: answer due three days after it was sent (the default setting).
    assert referral.due_at - referral.sent_at == datetime.timedelta(hours=72)


def test_without_consent_the_referral_is_refused(world):
    no_consent = lifecycle.Consent(given=False)
    with pytest.raises(ValidationError) as refused:
        send_referral(world, consent=no_consent)
    assert "Without the person's consent the referral is refused" in str(refused.value)
    assert not Referral.objects.exists()


def test_an_override_needs_a_written_reason_and_is_audited(world):
    override = lifecycle.Consent(
        given=False, override_reason="A child at immediate risk of being moved across the border."
    )
    referral = send_referral(world, consent=override)
    assert not referral.consent_given
    overrides = AuditEvent.objects.filter(action="referrals.consent_overridden")
    assert {event.workspace for event in overrides} == {world["osh"], world["andijan"]}


def test_consent_must_cover_every_service_and_data_category(world):
    narrow = lifecycle.Consent(
        given=True,
        given_by="person",
        method="oral",
        date=datetime.date.today(),
        services=("shelter",),
        data=("profile",),
    )
    with pytest.raises(ValidationError) as refused:
        send_referral(world, consent=narrow, data_categories=("profile", "control"))
    errors = refused.value.message_dict
    assert "consent_services" in errors and "consent_data" in errors


def test_free_text_is_guarded_for_personal_data(world):
    with pytest.raises(ValidationError) as refused:
        send_referral(world, needs="Call her on +998 90 123 45 67 tonight.")
    assert "needs" in refused.value.message_dict


@pytest.mark.parametrize("who", ["osh_observer", "third_owner", "coordinator", "outsider"])
def test_nobody_but_a_case_worker_of_the_case_refers_it(world, who):
    with pytest.raises(ActionRefused):
        send_referral(world, actor=world[who])
    assert not Referral.objects.exists()


def test_the_whole_lifecycle_with_mail_to_the_other_side(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referral = send_referral(world)
    to_andijan = {address for message in mail.outbox for address in message.to}
    assert "andijan.member@example.org" in to_andijan
    assert "andijan.observer@example.org" not in to_andijan
    assert "Uzbek" not in mail.outbox[0].body  # never the needs in a mailbox
    mail.outbox.clear()

    recipient = world["andijan_member"]
    with django_capture_on_commit_callbacks(execute=True):
        referral = lifecycle.accept(recipient, referral)
    assert referral.status == "accepted"
    assert {address for m in mail.outbox for address in m.to} >= {"osh.member@example.org"}

    # Once accepted the sender cannot edit.
    with pytest.raises(ActionRefused) as locked:
        lifecycle.edit(
            world["osh_member"],
            referral,
            lifecycle.Request(services=("shelter",), phase="long_term", urgency="routine"),
        )
    assert locked.value.status == 409

    lifecycle.post_message(recipient, referral, "She arrived; a room is ready.")
    lifecycle.post_message(world["osh_member"], referral, "Thank you, we stay in touch.")
    lifecycle.record_step(
        recipient, referral, "service", datetime.date.today(), "Two weeks' stay.", "shelter"
    )
    referral = lifecycle.close(recipient, referral, "completed", "Stayed two weeks, then home.")
    assert referral.status == "closed"
    assert referral.messages.count() == 2 and referral.steps.count() == 1
    actions = set(
        AuditEvent.objects.filter(workspace=world["andijan"]).values_list("action", flat=True)
    )
    assert {
        "referrals.sent",
        "referrals.accepted",
        "referrals.message_posted",
        "referrals.step_recorded",
        "referrals.closed",
    } <= actions
    # The activity of both sides, hidden from observers.
    from portal.members.activity import stream
    from portal.members.models.workspaces import PERM_CONTRIBUTE, PERM_VIEW

    for workspace in (world["osh"], world["andijan"]):
        verbs = {a.verb for a in stream(workspace, {PERM_VIEW, PERM_CONTRIBUTE}, limit=50)}
        assert {"referral_accepted", "referral_closed"} <= verbs
        assert not any(a.verb.startswith("referral") for a in stream(workspace, {PERM_VIEW}))


def test_revoking_ends_the_recipients_access_at_once(world):
    referral = send_referral(world)
    recipient = world["andijan_member"]
    lifecycle.accept(recipient, referral)
    assert policy.readable_referral(recipient, referral.pk)[0] == referral
    lifecycle.revoke(world["osh_member"], referral, "The person chose another shelter.")
    with pytest.raises(ActionRefused) as gone:
        policy.readable_referral(recipient, referral.pk)
    assert gone.value.status == 404
    with pytest.raises(ActionRefused):
        lifecycle.post_message(recipient, referral, "Still there?")
    # The sender still sees it.
    assert policy.readable_referral(world["osh_member"], referral.pk)[0].status == "revoked"


def test_a_declined_referral_leaves_the_recipient(world):
    referral = send_referral(world)
    with pytest.raises(ValidationError):
        lifecycle.decline(world["andijan_member"], referral, "")
    lifecycle.decline(world["andijan_member"], referral, "No free places this month.")
    with pytest.raises(ActionRefused):
        policy.readable_referral(world["andijan_member"], referral.pk)
    assert policy.readable_referral(world["osh_member"], referral.pk)[0].decline_reason


@pytest.mark.parametrize(
    "who", ["osh_observer", "andijan_observer", "third_owner", "coordinator", "outsider"]
)
def test_outsiders_to_the_referral_cannot_open_or_act_on_it(world, who):
    referral = send_referral(world)
    person = world[who]
    with pytest.raises(ActionRefused) as refused:
        policy.readable_referral(person, referral.pk)
    assert refused.value.status == 404
    for action in (
        lambda: lifecycle.accept(person, referral),
        lambda: lifecycle.decline(person, referral, "Not ours."),
        lambda: lifecycle.revoke(person, referral, "Not ours."),
        lambda: lifecycle.post_message(person, referral, "Hello."),
    ):
        with pytest.raises(ActionRefused):
            action()
    assert Referral.objects.get(pk=referral.pk).status == "pending"


def test_a_side_cannot_do_the_other_sides_part(world):
    referral = send_referral(world)
    with pytest.raises(ActionRefused):
        lifecycle.accept(world["osh_member"], referral)  # the sender answering itself
    with pytest.raises(ActionRefused):
        lifecycle.revoke(world["andijan_member"], referral, "Not yours to revoke.")


def test_the_sender_edits_until_answered_within_the_consent(world):
    referral = send_referral(world)
    changed = lifecycle.edit(
        world["osh_member"],
        referral,
        lifecycle.Request(
            services=("shelter",),
            phase="first_assistance",
            urgency="immediate",
            needs="Safe accommodation tonight.",
        ),
    )
    assert changed.urgency == "immediate"
    assert changed.due_at - changed.sent_at == datetime.timedelta(hours=24)
    with pytest.raises(ValidationError):
        lifecycle.edit(
            world["osh_member"],
            referral,
            lifecycle.Request(
                services=("medical",), phase="first_assistance", urgency="urgent", needs="A doctor."
            ),
        )
