"""The demo's referrals (data/referrals.json): one in each state a case
worker and a coordinator meet, between the demo's Osh and Andijan workspaces,
made through the lifecycle (so audited on both sides)."""

import pytest

from portal.demo import data
from portal.members.models import AuditEvent
from portal.referrals import audit_actions
from portal.referrals.models import Referral, ServiceProvider
from portal.referrals.vocabulary import Status

pytestmark = pytest.mark.django_db


def test_the_demo_has_referrals_in_every_state(demo):
    referrals = list(Referral.objects.select_related("from_workspace", "to_workspace"))
    assert len(referrals) == len(data.referrals())
    assert {r.status for r in referrals} == {
        Status.PENDING,
        Status.ACCEPTED,
        Status.DECLINED,
        Status.CLOSED,
    }
    assert {(r.from_workspace.slug, r.to_workspace.slug) for r in referrals} == {
        ("osh-monitoring", "andijan-shelters"),
        ("andijan-shelters", "osh-monitoring"),
    }
    accepted = next(r for r in referrals if r.status == Status.ACCEPTED)
    assert accepted.messages.count() == 2 and accepted.steps.count() == 1
    closed = next(r for r in referrals if r.status == Status.CLOSED)
    assert closed.outcome == "completed" and closed.steps.exists()
    declined = next(r for r in referrals if r.status == Status.DECLINED)
    assert declined.decline_reason
    assert sum(r.is_overdue for r in referrals) == 1
    override = [r for r in referrals if not r.consent_given]
    assert len(override) == 1 and override[0].override_reason
    # Every one is in both sides' audit logs, as the lifecycle writes it.
    for referral in referrals:
        sent = AuditEvent.objects.filter(
            action=audit_actions.REFERRAL_SENT, target_id=str(referral.pk)
        )
        assert {e.workspace_id for e in sent} == {
            referral.from_workspace_id,
            referral.to_workspace_id,
        }


def test_the_member_providers_take_referrals_in_their_own_workspace(demo):
    takers = ServiceProvider.objects.filter(accepts_referrals=True).select_related(
        "organisation", "receiving_workspace"
    )
    assert {p.receiving_workspace.slug for p in takers} == {"osh-monitoring", "andijan-shelters"}
    for provider in takers:
        assert provider.takes_referrals
        assert provider.receiving_workspace.organisation_id == provider.organisation_id


def test_every_name_the_referrals_file_uses_exists():
    providers = data.providers()
    workspaces = {spec["slug"]: spec for spec in data.workspaces()}
    for spec in data.referrals():
        assert spec["from"] in workspaces
        assert spec["provider"] in providers
        receiving = providers[spec["provider"]]["receiving_workspace"]
        assert receiving and receiving != spec["from"]
        assert set(spec["services"]) <= set(providers[spec["provider"]]["services"])
        assert ("consent" in spec) != ("override" in spec)
