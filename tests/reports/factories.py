"""Helpers that make monitoring reports and case records the way the portal
does (through portal.reports.services), for tests/reports and tests/api."""

import datetime
import itertools

from portal.core.audience import NETWORK
from portal.reports import services
from portal.reports.models import CaseRecord, MonitoringReport
from tests.factories import OrganisationFactory, UserFactory, add_member, make_workspace

_titles = itertools.count(1)


def network_user(**kwargs):
    """Someone of a verified member organisation (a network member) in no workspace."""
    return UserFactory(organisation=OrganisationFactory(verified=True), **kwargs)


def workspace_with_roles():
    """A workspace with one person per role, all of verified organisations."""
    owner = network_user()
    workspace = make_workspace(owner=owner)
    people = {"owner": owner}
    for role in ("manager", "member", "observer"):
        people[role] = add_member(workspace, network_user(), role)
    return workspace, people


def second_reviewer(workspace, author):
    """A manager (or the owner) of ``workspace`` who is not ``author``; a new
    manager when there is none. Four eyes: nobody reviews what they wrote."""
    membership = (
        workspace.memberships.filter(role__in=("manager", "owner"))
        .exclude(user=author)
        .select_related("user")
        .order_by("role", "pk")  # "manager" sorts before "owner"
        .first()
    )
    if membership is not None:
        return membership.user
    return add_member(workspace, network_user(), "manager")


def make_report(
    workspace=None, *, author=None, reviewer=None, status="draft", audience="workspace", **fields
):
    """A report created, and moved through the workflow, by the services: written
    by ``author`` (the owner by default), reviewed and shared by a second person."""
    if workspace is None:
        workspace = make_workspace(owner=author or network_user())
    author = author or workspace.memberships.get(role="owner").user
    fields.setdefault("title", f"Monitoring report {next(_titles)}")
    fields.setdefault("period_start", datetime.date(2024, 1, 1))
    fields.setdefault("period_end", datetime.date(2024, 3, 31))
    fields.setdefault("country", "KG")
    fields.setdefault("region", "Osh oblast")
    fields.setdefault("summary", "Monitoring visits to construction sites.")
    report = services.create_report(workspace, actor=author, **fields)
    if status in ("submitted", "reviewed") or audience == NETWORK:
        services.submit_report(report, actor=author)
    if status == "reviewed" or audience == NETWORK:
        reviewer = reviewer or second_reviewer(workspace, author)
        services.review_report(report, actor=reviewer)
    if audience == NETWORK:
        services.share_report(report, actor=reviewer)
    return MonitoringReport.objects.get(pk=report.pk)


def case_values(**values):
    base = {
        "year_of_registration": 2023,
        "gender": "Male",
        "age_band": "24--26",
        "citizenship": "KG",
        "country_of_exploitation": "RU",
        "case_status": "Active",
        "referred_to": "",
        "is_forced_labour": True,
        "type_of_labour_construction": True,
    }
    base.update(values)
    return base


def add_cases(report, count=1, **values):
    """``count`` identical case records stored directly (no workflow check), so
    tests can fill reports in any state."""
    records = [CaseRecord(report=report, **case_values(**values)) for _ in range(count)]
    return CaseRecord.objects.bulk_create(records)


# A privacy budget so large that the noise is zero in practice (scale ~1e-5):
# for tests that assert exact figures. Tests of the noise itself use the default.
EXACT_EPSILON = 1e6


def publish(*, exact=True, **kwargs):
    """Publish a statistics release the way the office does."""
    from portal.reports.releases import publish_release

    if exact:
        kwargs.setdefault("epsilon", EXACT_EPSILON)
    kwargs.setdefault("force", True)  # tests publish several releases in a row
    return publish_release(**kwargs)
