"""Retention of referrals (the "referrals" kind of `manage.py purge_expired`):
a referral finished longer ago than its period is removed with its thread,
steps and documents (files on disk too) and leaves a tombstone; open ones,
held ones and recent ones stay. Purging the sender's report leaves the
referral, with its snapshot of the case data.

Against the real PostgreSQL and a private media directory."""

import datetime
import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from portal.core import retention
from portal.members import retention as members_retention
from portal.members.models import AuditEvent, Workspace
from portal.referrals import lifecycle
from portal.referrals import retention as referral_retention
from portal.referrals.models import Referral, ReferralDocument, ReferralMessage, ReferralStep
from portal.reports.models import CaseRecord, MonitoringReport, ReportChange
from tests.referrals.builders import send_referral

pytestmark = pytest.mark.django_db

NEEDS = "Quokkamarble needs a shelter bed near the bus station."
LONG_AGO = timezone.now() - datetime.timedelta(days=5 * 365 + 30)


@pytest.fixture(autouse=True)
def private_media(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.PRIVATE_MEDIA_ROOT


def closed_with_everything(world):
    """Sent, accepted, a message, a step, a document; closed with its outcome."""
    referral = send_referral(world, needs=NEEDS)
    recipient = world["andijan_member"]
    referral = lifecycle.accept(recipient, referral)
    lifecycle.post_message(recipient, referral, "A bed is ready from Monday.")
    lifecycle.record_step(
        recipient, referral, "service", timezone.localdate(), "Stayed two weeks.", "shelter"
    )
    document = ReferralDocument(
        referral=referral,
        title="Consent form",
        uploaded_by=world["osh_member"],
        uploaded_in=world["osh"],
    )
    document.file.save("consent.pdf", ContentFile(b"%PDF-1.4 quokkamarble"), save=True)
    return lifecycle.close(recipient, referral, "completed", "Services given as planned."), document


def finished_long_ago(referral, field):
    Referral.objects.filter(pk=referral.pk).update(**{field: LONG_AGO})


def purge(**kwargs):
    out = StringIO()
    call_command("purge_expired", stdout=out, **kwargs)
    return out.getvalue()


def tombstones():
    return AuditEvent.objects.filter(action=members_retention.RETENTION_PURGED)


def test_an_expired_referral_is_removed_everywhere_and_leaves_a_tombstone(world, private_media):
    referral, document = closed_with_everything(world)
    path = private_media / document.file.name
    assert path.exists()
    finished_long_ago(referral, "closed_at")

    output = purge(kinds=["referrals"])

    assert "referrals: 1 removed" in output
    assert not Referral.objects.filter(pk=referral.pk).exists()
    assert not ReferralMessage.objects.filter(referral_id=referral.pk).exists()
    assert not ReferralStep.objects.filter(referral_id=referral.pk).exists()
    assert not ReferralDocument.objects.filter(referral_id=referral.pk).exists()
    assert not path.exists()
    # The sender's case record is theirs: it stays.
    assert CaseRecord.objects.filter(pk=world["case"].pk).exists()

    tombstone = tombstones().get()
    assert tombstone.details["retention_kind"] == "referrals"
    assert tombstone.details["purged_id"] == str(referral.pk)
    assert tombstone.details["retention_days"] == 5 * 365
    assert tombstone.actor is None
    written = json.dumps(
        list(tombstones().values("target_type", "target_id", "target_repr", "details")),
        default=str,
    )
    assert "Quokkamarble" not in written and "consent.pdf" not in written


def test_declined_and_revoked_referrals_expire_from_their_answer_and_revocation(world):
    declined = send_referral(world)
    lifecycle.decline(world["andijan_member"], declined, "No free beds this month.")
    revoked = send_referral(world)
    lifecycle.revoke(world["osh_member"], revoked, "The person went home.")
    finished_long_ago(declined, "responded_at")
    finished_long_ago(revoked, "revoked_at")
    # Sent long ago too, but finished yesterday: inside its period.
    recent = send_referral(world)
    lifecycle.decline(world["andijan_member"], recent, "No free beds this month.")
    Referral.objects.filter(pk=recent.pk).update(sent_at=LONG_AGO)

    purge(kinds=["referrals"])

    assert not Referral.objects.filter(pk__in=[declined.pk, revoked.pk]).exists()
    assert Referral.objects.filter(pk=recent.pk).exists()
    assert tombstones().count() == 2


def test_open_referrals_stay_however_old(world):
    pending = send_referral(world)
    accepted = send_referral(world)
    lifecycle.accept(world["andijan_member"], accepted)
    Referral.objects.update(sent_at=LONG_AGO, due_at=LONG_AGO, responded_at=LONG_AGO)

    output = purge(kinds=["referrals"])

    assert "referrals: 0 removed" in output
    assert Referral.objects.filter(pk__in=[pending.pk, accepted.pk]).count() == 2
    assert not tombstones().exists()


def test_a_referral_under_legal_hold_stays_with_its_files(world, private_media, coordinator):
    referral, document = closed_with_everything(world)
    referral_retention.set_legal_hold(coordinator, referral, True)
    finished_long_ago(referral, "closed_at")

    purge(kinds=["referrals"])

    assert Referral.objects.filter(pk=referral.pk).exists()
    assert ReferralMessage.objects.filter(referral_id=referral.pk).exists()
    assert (private_media / document.file.name).exists()
    assert not tombstones().exists()


@pytest.mark.parametrize("held", ["from_workspace", "to_workspace", "report"])
def test_a_hold_on_either_workspace_or_on_the_report_keeps_the_referral(world, held, coordinator):
    referral, _ = closed_with_everything(world)
    finished_long_ago(referral, "closed_at")
    target = world["report"] if held == "report" else getattr(referral, held)
    members_retention.set_legal_hold(coordinator, target, True)

    purge(kinds=["referrals"])

    assert Referral.objects.filter(pk=referral.pk).exists()


def test_a_hold_set_after_the_list_was_made_still_wins(world):
    referral, _ = closed_with_everything(world)
    finished_long_ago(referral, "closed_at")
    Referral.objects.filter(pk=referral.pk).update(legal_hold=True)
    assert retention.purge_one(retention.get("referrals"), referral.pk) is False
    assert Referral.objects.filter(pk=referral.pk).exists()


def test_setting_and_lifting_a_referral_hold_is_audited_on_both_sides(world, coordinator):
    referral = send_referral(world)
    referral_retention.set_legal_hold(coordinator, referral, True)
    assert Referral.objects.get(pk=referral.pk).legal_hold
    referral_retention.set_legal_hold(coordinator, referral, False)
    assert not Referral.objects.get(pk=referral.pk).legal_hold
    events = AuditEvent.objects.filter(actor=coordinator).order_by("id")
    assert [(e.action, e.workspace_id) for e in events] == [
        (members_retention.LEGAL_HOLD_SET, world["osh"].pk),
        (members_retention.LEGAL_HOLD_SET, world["andijan"].pk),
        (members_retention.LEGAL_HOLD_LIFTED, world["osh"].pk),
        (members_retention.LEGAL_HOLD_LIFTED, world["andijan"].pk),
    ]
    assert events[0].details["referral"] == referral.reference
    assert events[0].details["retention_kind"] == "referrals"


@pytest.mark.parametrize("person", ["osh_owner", "osh_manager", "andijan_owner", "outsider"])
def test_no_one_but_a_coordinator_holds_a_referral(world, person):
    referral = send_referral(world)
    with pytest.raises(PermissionDenied):
        referral_retention.set_legal_hold(world[person], referral, True)
    assert not Referral.objects.get(pk=referral.pk).legal_hold
    assert not AuditEvent.objects.filter(action=members_retention.LEGAL_HOLD_SET).exists()


def test_purging_the_senders_report_leaves_the_referral_with_its_snapshot(world):
    referral = send_referral(world)
    snapshot = dict(Referral.objects.get(pk=referral.pk).case_data)
    assert snapshot
    report = world["report"]
    MonitoringReport.objects.filter(pk=report.pk).update(updated_at=LONG_AGO)
    ReportChange.objects.filter(report=report).update(at=LONG_AGO)
    CaseRecord.objects.filter(report=report).update(updated_at=LONG_AGO)

    output = purge(kinds=["reports"])

    assert "reports: 1 removed" in output
    assert not MonitoringReport.objects.filter(pk=report.pk).exists()
    kept = Referral.objects.get(pk=referral.pk)
    assert kept.case is None
    assert kept.case_data == snapshot
    assert kept.needs  # what the recipient works from is still there


def test_an_archived_workspace_waits_for_its_referrals_then_goes(world):
    referral = lifecycle.decline(
        world["andijan_member"], send_referral(world), "No free beds this month."
    )
    Workspace.objects.filter(pk=world["osh"].pk).update(archived_at=LONG_AGO)

    # The referral finished yesterday: the workspace stays, and the purge does
    # not fail on it (the referral may not lose its side).
    output = purge(kinds=["workspaces"])
    assert "workspaces: 0 removed" in output
    assert Workspace.objects.filter(pk=world["osh"].pk).exists()
    assert Referral.objects.filter(pk=referral.pk).exists()

    finished_long_ago(referral, "responded_at")
    purge()  # the referral goes
    purge()  # then the workspace, on the next run
    assert not Referral.objects.filter(pk=referral.pk).exists()
    assert not Workspace.objects.filter(pk=world["osh"].pk).exists()
    assert Workspace.objects.filter(pk=world["andijan"].pk).exists()


@pytest.fixture
def coordinator(world):
    return world["coordinator"]
