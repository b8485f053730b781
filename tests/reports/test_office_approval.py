"""PORTAL_SHARING_REQUIRES_OFFICE_APPROVAL: sharing waits for a network
coordinator; until then the network, statistics and partners see nothing."""

import pytest
from django.contrib.auth.models import Group

from portal.core.policy import ActionRefused
from portal.core.roles import EDITORS, NETWORK_COORDINATORS
from portal.members.models import Activity, AuditEvent
from portal.reports import audit_actions as report_actions
from portal.reports import services
from portal.reports.models import CaseRecord, MonitoringReport, ShareApproval
from tests.api.conftest import bearer, make_token
from tests.factories import UserFactory, add_member, make_workspace
from tests.reports.factories import (
    add_cases,
    make_report,
    network_user,
    publish,
    workspace_with_roles,
)

pytestmark = pytest.mark.django_db

APPROVALS = "/network/reports/approvals/"


@pytest.fixture(autouse=True)
def office_approves(settings):
    settings.PORTAL_SHARING_REQUIRES_OFFICE_APPROVAL = True


def url(report, suffix=""):
    return f"/workspaces/{report.workspace.slug}/reports/{report.pk}/{suffix}"


def login(client, user):
    client.force_login(user)
    return client


def in_group(user, name):
    user.groups.add(Group.objects.get_or_create(name=name)[0])
    return type(user).objects.get(pk=user.pk)


def coordinator():
    return in_group(UserFactory(), NETWORK_COORDINATORS)


def events(report, action):
    return AuditEvent.objects.filter(action=action, target_id=str(report.pk))


@pytest.fixture
def waiting(client):
    """A reviewed report with 12 records, shared by its manager through the
    confirmation page: now waiting for the office."""
    workspace, people = workspace_with_roles()
    report = make_report(workspace, author=people["member"], status="reviewed")
    add_cases(report, 12)
    report.refresh_from_db()
    page = login(client, people["manager"]).get(url(report, "share/")).content.decode()
    assert "The coordinating office approves every share first" in page
    response = client.post(
        url(report, "share/"), {"confirm": "on", "revision": report.revision}, follow=True
    )
    assert "The office has been asked to approve sharing" in response.content.decode()
    client.logout()
    return MonitoringReport.objects.get(pk=report.pk), people


def test_a_report_waiting_for_the_office_is_not_visible_outside_its_workspace(client, waiting):
    report, people = waiting
    assert (report.status, report.audience) == ("reviewed", "workspace")
    assert ShareApproval.objects.pending().get().report == report
    assert not CaseRecord.objects.published().filter(report=report).exists()
    _token, raw = make_token()
    publish()  # partners read releases: the next one holds nothing of it
    assert client.get("/api/v1/cases/anonymised", **bearer(raw)).json()["rows"] == []

    reader = add_member(make_workspace(owner=network_user()), network_user(), "member")
    browser = login(client, reader)
    assert browser.get(url(report)).status_code == 404
    assert report.title not in browser.get("/network/reports/").content.decode()

    page = login(client, people["member"]).get(url(report)).content.decode()
    assert 'data-share="pending"' in page
    assert url(report, "share/") not in page  # no second request
    assert events(report, report_actions.REPORT_SHARE_REQUESTED).get().actor == people["manager"]
    assert not events(report, report_actions.REPORT_SHARED).exists()
    assert Activity.objects.filter(verb="report_share_requested").exists()


def test_a_coordinator_approves_and_the_report_reaches_the_network(client, waiting):
    report, _people = waiting
    office = coordinator()
    browser = login(client, office)
    listing = browser.get(APPROVALS)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert report.title in html and "<dd data-cases>12</dd>" in html

    approval = ShareApproval.objects.get(report=report)
    response = browser.post(f"{APPROVALS}{approval.pk}/approve/", follow=True)
    assert "is now shared with the network" in response.content.decode()
    assert MonitoringReport.objects.get(pk=report.pk).audience == "network"
    assert CaseRecord.objects.published().filter(report=report).count() == 12
    assert events(report, report_actions.REPORT_SHARE_APPROVED).get().actor == office
    assert events(report, report_actions.REPORT_SHARED).get().actor == office
    reader = login(client, network_user())
    assert reader.get(url(report)).status_code == 200


@pytest.mark.parametrize("who", ["owner", "manager", "editor", "network member"])
def test_nobody_but_a_coordinator_can_approve(client, waiting, who):
    report, people = waiting
    person = {
        "owner": people["owner"],
        "manager": people["manager"],
        "editor": in_group(UserFactory(), EDITORS),
        "network member": network_user(),
    }[who]
    approval = ShareApproval.objects.get(report=report)
    browser = login(client, person)
    assert browser.get(APPROVALS).status_code == 403
    assert browser.post(f"{APPROVALS}{approval.pk}/approve/").status_code == 403
    data = {f"a{approval.pk}-reason": "No."}
    assert browser.post(f"{APPROVALS}{approval.pk}/decline/", data).status_code == 403
    # Not a matter of timing but of who: the service refuses as the page does (403).
    with pytest.raises(ActionRefused) as refused:
        services.approve_share(approval, actor=person)
    assert refused.value.status == 403
    assert ShareApproval.objects.get(pk=approval.pk).state == "pending"
    assert MonitoringReport.objects.get(pk=report.pk).audience == "workspace"


def test_a_coordinator_who_wrote_the_report_cannot_approve_it(client):
    workspace, people = workspace_with_roles()
    writer = in_group(people["member"], NETWORK_COORDINATORS)
    report = make_report(workspace, author=writer, status="reviewed")
    services.share_report(report, actor=people["manager"])
    approval = ShareApproval.objects.get(report=report)
    with pytest.raises(services.WorkflowError, match="another coordinator"):
        services.approve_share(approval, actor=writer)
    login(client, writer).post(f"{APPROVALS}{approval.pk}/approve/")
    assert MonitoringReport.objects.get(pk=report.pk).audience == "workspace"
    assert "another coordinator must decide" in client.get(APPROVALS).content.decode()


def test_a_coordinator_declines_with_a_reason_the_workspace_reads(client, waiting):
    report, people = waiting
    approval = ShareApproval.objects.get(report=report)
    browser = login(client, coordinator())
    response = browser.post(f"{APPROVALS}{approval.pk}/decline/", {f"a{approval.pk}-reason": ""})
    assert response.status_code == 400
    assert ShareApproval.objects.get(pk=approval.pk).state == "pending"

    reason = "Two cohorts overlap with the Andijan report; please merge them first."
    browser.post(f"{APPROVALS}{approval.pk}/decline/", {f"a{approval.pk}-reason": reason})
    approval.refresh_from_db()
    assert approval.state == "declined" and approval.reason == reason
    assert MonitoringReport.objects.get(pk=report.pk).audience == "workspace"
    assert reason not in str(events(report, report_actions.REPORT_SHARE_DECLINED).get().details)

    page = login(client, people["member"]).get(url(report)).content.decode()
    assert 'data-share="declined"' in page and reason in page
    # The workspace may ask again after fixing things.
    assert (
        url(report, "share/") in login(client, people["manager"]).get(url(report)).content.decode()
    )


def test_withdrawing_or_reopening_cancels_the_request(client, waiting):
    report, people = waiting
    response = login(client, people["manager"]).post(url(report, "withdraw/"))
    assert response.status_code == 302
    assert ShareApproval.objects.get(report=report).state == "cancelled"
    assert not ShareApproval.objects.pending().exists()

    services.share_report(report, actor=people["manager"])
    services.reopen_report(report, actor=people["manager"])
    assert not ShareApproval.objects.pending().exists()
    assert MonitoringReport.objects.get(pk=report.pk).status == "draft"
    # A cancelled request can no longer be approved.
    approval = ShareApproval.objects.filter(report=report).first()
    with pytest.raises(services.WorkflowError):
        services.approve_share(approval, actor=coordinator())
    assert MonitoringReport.objects.get(pk=report.pk).audience == "workspace"
