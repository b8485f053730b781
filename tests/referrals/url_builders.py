"""Builders for the members' permission matrix (tests/members): every
referral URL under /workspaces/<slug>/referrals/ gets a referral involving
the matrix's workspace, on the side and in the state where the action is
possible, so "allowed" really acts and "refused" has something to refuse."""

import datetime

from portal.referrals import lifecycle
from tests.factories import OrganisationFactory, UserFactory, make_workspace
from tests.members.url_builders import Built
from tests.referrals.builders import CONSENT_ALL, make_provider
from tests.reports.factories import add_cases, make_report
from tests.reports.url_builders import builder

REQUEST = lifecycle.Request(
    services=("shelter",),
    phase="first_assistance",
    urgency="urgent",
    needs="Safe accommodation for two weeks.",
    data_categories=("profile",),
)
CONSENT = lifecycle.Consent(date=datetime.date(2025, 1, 1), **CONSENT_ALL)


def _organisation_of(workspace):
    # The matrix reuses one workspace object across rolled-back savepoints:
    # an organisation set in an earlier one no longer exists.
    workspace.refresh_from_db(fields=["organisation"])
    if workspace.organisation_id is None:
        workspace.organisation = OrganisationFactory(verified=True)
        workspace.save(update_fields=["organisation"])
    return workspace.organisation


def _provider(workspace):
    return make_provider(
        organisation=_organisation_of(workspace),
        name="",
        services=["shelter"],
        country="UZ",
        accepts_referrals=True,
        receiving_workspace=workspace,
    )


def _case(workspace, author):
    report = make_report(workspace, author=author)
    (case,) = add_cases(report, citizenship="UZ", gender="Female")
    return case


def _sent(ctx):
    """From the matrix's workspace to another organisation's."""
    other_owner = UserFactory(organisation=OrganisationFactory(verified=True))
    other = make_workspace(owner=other_owner, organisation=other_owner.organisation)
    return lifecycle.send(
        ctx.owner, _case(ctx.workspace, ctx.owner), _provider(other), REQUEST, CONSENT
    )


def _received(ctx, *, accepted=False):
    """From another organisation's workspace to the matrix's workspace."""
    sender = UserFactory(organisation=OrganisationFactory(verified=True))
    other = make_workspace(owner=sender, organisation=sender.organisation)
    referral = lifecycle.send(
        sender, _case(other, sender), _provider(ctx.workspace), REQUEST, CONSENT
    )
    if accepted:
        referral = lifecycle.accept(ctx.owner, referral)
    return referral


@builder("workspace_referrals:create")
def _create(ctx):
    return Built({"case_id": _case(ctx.workspace, ctx.owner).pk})


@builder("workspace_referrals:detail")
@builder("workspace_referrals:edit")
@builder("workspace_referrals:revoke")
@builder("workspace_referrals:message_add")
def _sent_referral(ctx):
    return Built(
        {"referral_id": _sent(ctx).pk},
        post={
            "reason": "Matrix",
            "body": "Matrix",
            "services": ["shelter"],
            "phase": "return",
            "urgency": "routine",
            "needs": "Changed by the permission matrix",
        },
    )


@builder("workspace_referrals:accept")
@builder("workspace_referrals:decline")
def _received_referral(ctx):
    return Built({"referral_id": _received(ctx).pk}, post={"reason": "Matrix"})


@builder("workspace_referrals:close")
@builder("workspace_referrals:step_add")
def _accepted_referral(ctx):
    return Built(
        {"referral_id": _received(ctx, accepted=True).pk},
        post={"outcome": "completed", "kind": "contact", "date": datetime.date.today().isoformat()},
    )
