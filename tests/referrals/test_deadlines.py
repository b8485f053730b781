"""Deadlines of referrals: an answer is due within the hours its urgency
allows; once late, both sides' case workers are mailed once and their daily
digests list it until it is answered; past the second limit the network
coordinators are mailed once and both audit logs say so. Mail never holds
the needs or the case data; observers, other organisations and outsiders
hear nothing."""

import io
from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from portal.core import periodic
from portal.members import notifications
from portal.members.models import AuditEvent
from portal.referrals import audit_actions, deadlines, lifecycle
from portal.referrals.models import Referral
from tests.referrals.builders import send_referral

pytestmark = pytest.mark.django_db

# In the needs and the contact only: a mail or digest holding it leaked them.
SECRET = "Quokkamarmalade"
# What the referral's case data holds (referral_world's case, "profile" and
# "exploitation" passed): none of it may reach a mailbox.
CASE_DATA = ("Female", "18--20", "sexual")

CASE_WORKERS = {
    f"{side}.{role}@example.org"
    for side in ("osh", "andijan")
    for role in ("owner", "manager", "member")
}
NOT_TOLD = {
    "osh.observer@example.org",
    "andijan.observer@example.org",
    "khujand.owner@example.org",
    "coordinator@example.org",
    "outsider@example.org",
}


@pytest.fixture(autouse=True)
def deadline_settings(settings):
    settings.PORTAL_REFERRAL_RESPONSE_HOURS = {"immediate": 24, "urgent": 72, "routine": 240}
    settings.PORTAL_REFERRAL_ESCALATION_FACTOR = 2


def referral(world, **request):
    sent = send_referral(
        world,
        needs=f"Safe accommodation, counselling; {SECRET} asked for.",
        sender_contact=f"Ask for {SECRET} at the desk.",
        **request,
    )
    mail.outbox.clear()  # the "new referral" mail is not what these tests are about
    return sent


def late_by(item, hours):
    """Move the referral back in time so its answer is ``hours`` late."""
    allowed = lifecycle.response_hours(item.urgency)
    due = timezone.now() - timedelta(hours=hours)
    Referral.objects.filter(pk=item.pk).update(sent_at=due - timedelta(hours=allowed), due_at=due)
    return Referral.objects.get(pk=item.pk)


def addressees():
    return sorted(address for message in mail.outbox for address in message.to)


def assert_nothing_secret(messages):
    for message in messages:
        text = message.subject + message.body
        assert SECRET not in text
        for value in CASE_DATA:
            assert value not in text


def detail_link(item, workspace):
    path = reverse(
        "workspace_referrals:detail", kwargs={"slug": workspace.slug, "referral_id": item.pk}
    )
    return f"http://testserver{path}"


def digest_for(user):
    """The person's daily digest as the digest job sends it; None if none was sent."""
    notifications.set_frequency(user, "daily")
    pref = user.notification_preference
    mail.outbox.clear()
    notifications.send_digest(pref.pk, timezone.now() + timedelta(seconds=1))
    mine = [message for message in mail.outbox if message.to == [user.email]]
    return mine[0] if mine else None


# Due times -------------------------------------------------------------------


@pytest.mark.parametrize(("urgency", "hours"), [("immediate", 5), ("urgent", 30), ("routine", 99)])
def test_each_urgency_is_due_after_the_hours_its_setting_gives(world, settings, urgency, hours):
    settings.PORTAL_REFERRAL_RESPONSE_HOURS = {
        "immediate": 5,
        "urgent": 30,
        "routine": 99,
    }
    settings.PORTAL_REFERRAL_ESCALATION_FACTOR = 3
    item = referral(world, urgency=urgency)
    assert item.due_at - item.sent_at == timedelta(hours=hours)
    assert deadlines.escalation_at(item) - item.sent_at == timedelta(hours=hours * 3)
    assert not item.is_overdue


def test_a_referral_not_yet_due_mails_nobody(world):
    item = referral(world)
    late_by(item, -1)  # due in an hour
    outcome = deadlines.run()
    assert outcome.notified == [] and mail.outbox == []
    assert not Referral.objects.get(pk=item.pk).is_overdue


# Stage one: both sides ----------------------------------------------------------


def test_an_overdue_referral_is_mailed_once_to_the_case_workers_of_both_sides(world):
    item = late_by(referral(world), hours=2)
    assert item.is_overdue

    outcome = deadlines.run()

    assert outcome.notified == [item.reference] and outcome.escalated == []
    assert set(addressees()) == CASE_WORKERS
    assert not NOT_TOLD & set(addressees())
    by_address = {message.to[0]: message for message in mail.outbox}
    to_andijan = by_address["andijan.member@example.org"]
    assert item.reference in to_andijan.subject
    assert "Osh Migrant Help" in to_andijan.body and "Andijan Shelter" in to_andijan.body
    assert "accept or decline" in to_andijan.body
    assert detail_link(item, world["andijan"]) in to_andijan.body
    assert detail_link(item, world["osh"]) in by_address["osh.member@example.org"].body
    assert "revoke" in by_address["osh.member@example.org"].body
    assert_nothing_secret(mail.outbox)
    assert Referral.objects.get(pk=item.pk).overdue_notified_at is not None

    mail.outbox.clear()
    assert deadlines.run().notified == []
    assert mail.outbox == []


def test_a_deactivated_or_removed_case_worker_is_not_told(world):
    from portal.members.models import Membership

    type(world["andijan_member"]).objects.filter(pk=world["andijan_member"].pk).update(
        is_active=False
    )
    Membership.objects.filter(user=world["osh_manager"], workspace=world["osh"]).delete()
    late_by(referral(world), hours=2)
    deadlines.run()
    assert set(addressees()) == CASE_WORKERS - {
        "andijan.member@example.org",
        "osh.manager@example.org",
    }


def test_overdue_referrals_are_in_both_sides_digests_until_answered(world):
    item = late_by(referral(world), hours=30)

    for who, workspace in (("osh_member", "osh"), ("andijan_manager", "andijan")):
        digest = digest_for(world[who])
        assert digest is not None, who
        assert "Overdue referrals:" in digest.body
        assert item.reference in digest.body
        assert "Osh Migrant Help" in digest.body and "Andijan Shelter" in digest.body
        assert "1 day, 6 hours" in digest.body.replace("\xa0", " ")
        assert detail_link(item, world[workspace]) in digest.body
        assert_nothing_secret([digest])

    # Still listed the next day while nobody answers: a reminder, not news.
    assert item.reference in digest_for(world["andijan_owner"]).body
    lifecycle.accept(world["andijan_member"], item)
    assert digest_for(world["andijan_owner"]) is None
    assert digest_for(world["osh_member"]) is None


@pytest.mark.parametrize("who", ["osh_observer", "andijan_observer", "third_owner"])
def test_observers_and_other_organisations_get_no_overdue_referral_in_their_digest(world, who):
    late_by(referral(world), hours=30)
    assert digest_for(world[who]) is None


def test_a_digest_shows_only_the_persons_own_side_of_the_link(world):
    item = late_by(referral(world), hours=3)
    body = digest_for(world["andijan_member"]).body
    assert detail_link(item, world["andijan"]) in body
    assert detail_link(item, world["osh"]) not in body


# Stage two: the coordinators ------------------------------------------------------


def test_before_the_second_limit_the_coordinators_hear_nothing(world):
    item = late_by(referral(world), hours=71)  # urgent: 72 h more before the second limit
    outcome = deadlines.run()
    assert outcome.notified == [item.reference] and outcome.escalated == []
    assert "coordinator@example.org" not in addressees()
    assert not AuditEvent.objects.filter(action=audit_actions.REFERRAL_OVERDUE_ESCALATED).exists()


def test_past_the_second_limit_the_coordinators_are_mailed_once_and_both_logs_say_so(world):
    item = late_by(referral(world), hours=73)

    outcome = deadlines.run()

    assert outcome.escalated == [item.reference]
    to_coordinators = [m for m in mail.outbox if m.to == ["coordinator@example.org"]]
    assert len(to_coordinators) == 1
    message = to_coordinators[0]
    assert "1 referral is long overdue" in message.subject
    assert item.reference in message.body and "Osh Migrant Help" in message.body
    assert "http://testserver/admin/" in message.body
    assert_nothing_secret(mail.outbox)
    # Both sides were told too (the job had not run before).
    assert set(addressees()) >= CASE_WORKERS
    events = AuditEvent.objects.filter(action=audit_actions.REFERRAL_OVERDUE_ESCALATED)
    assert {event.workspace_id for event in events} == {world["osh"].pk, world["andijan"].pk}
    assert all(event.details["overdue_hours"] == 73 for event in events)
    assert all(event.details["referral"] == item.reference for event in events)
    assert Referral.objects.get(pk=item.pk).escalated_at is not None

    mail.outbox.clear()
    again = deadlines.run()
    assert again.escalated == [] and again.notified == []
    assert mail.outbox == []
    assert events.count() == 2


@pytest.mark.parametrize("answer", ["accept", "decline", "revoke"])
def test_an_answered_referral_stops_being_overdue(world, answer):
    item = late_by(referral(world), hours=100)
    if answer == "accept":
        lifecycle.accept(world["andijan_member"], item)
    elif answer == "decline":
        lifecycle.decline(world["andijan_member"], item, "No place until next month.")
    else:
        lifecycle.revoke(world["osh_member"], item, "The person found a place nearer.")
    mail.outbox.clear()

    assert not Referral.objects.get(pk=item.pk).is_overdue
    assert item.pk not in deadlines.overdue().values_list("pk", flat=True)
    outcome = deadlines.run()
    assert outcome.notified == [] and outcome.escalated == []
    assert mail.outbox == []
    assert digest_for(world["osh_member"]) is None


# The command and the worker ------------------------------------------------------


def test_the_dry_run_says_what_it_would_send_and_sends_nothing(world):
    overdue = late_by(referral(world), hours=2)
    long_overdue = late_by(referral(world, urgency="immediate"), hours=30)
    out = io.StringIO()

    call_command("referrals_overdue", "--dry-run", stdout=out)

    assert mail.outbox == []
    for item in (overdue, long_overdue):
        stored = Referral.objects.get(pk=item.pk)
        assert stored.overdue_notified_at is None and stored.escalated_at is None
        assert f"{item.reference} " in out.getvalue()
    assert "would mail 6 case worker(s)" in out.getvalue()
    assert "would mail 1 coordinator(s)" in out.getvalue()
    assert "Dry run, nothing sent: 2 newly overdue, 1 past the second limit" in out.getvalue()
    assert not AuditEvent.objects.filter(action=audit_actions.REFERRAL_OVERDUE_ESCALATED).exists()

    out = io.StringIO()
    call_command("referrals_overdue", stdout=out)
    assert "2 newly overdue, 1 past the second limit, 13 mail(s)" in out.getvalue()
    assert len(mail.outbox) == 13


class BrokenMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise SMTPException("connection refused")


def test_when_mail_cannot_go_out_nothing_is_marked_and_the_next_run_tries_again(world, settings):
    item = late_by(referral(world), hours=73)
    settings.EMAIL_BACKEND = f"{__name__}.BrokenMailServer"
    with pytest.raises(CommandError, match="next run tries again"):
        call_command("referrals_overdue", stdout=io.StringIO(), stderr=io.StringIO())
    stored = Referral.objects.get(pk=item.pk)
    assert stored.overdue_notified_at is None and stored.escalated_at is None
    assert not AuditEvent.objects.filter(action=audit_actions.REFERRAL_OVERDUE_ESCALATED).exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outcome = deadlines.run()
    assert outcome.notified == [item.reference] and outcome.escalated == [item.reference]


def test_the_worker_runs_the_overdue_pass_every_hour(world):
    job = next(job for job in periodic.jobs() if job.name == "referrals.overdue")
    assert job.interval() == 3600
    item = late_by(referral(world), hours=2)
    job.run()
    assert set(addressees()) == CASE_WORKERS
    assert Referral.objects.get(pk=item.pk).overdue_notified_at is not None


def test_the_digest_drops_a_sections_item_for_a_workspace_the_person_is_not_in(world):
    """The members' digest checks again what an app's section returns."""
    from portal.core import digest_sections

    def careless(user, since, until):
        return [
            digest_sections.DigestItem("Khujand's business", "http://x/k/", world["third"].pk),
            digest_sections.DigestItem("Osh's business", "http://x/o/", world["osh"].pk),
        ]

    digest_sections.register_digest_section("careless", title="Careless", items=careless)
    try:
        body = digest_for(world["osh_member"]).body
    finally:
        digest_sections.unregister_digest_section("careless")
    assert "Osh's business" in body
    assert "Khujand" not in body
