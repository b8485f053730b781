"""Sharing asks first: a page says what becomes visible to whom, and only a
confirmed POST shares; sharing is rate limited per person."""

import pytest

from portal.members.models import AuditEvent, Organisation
from portal.reports import audit_actions as report_actions
from portal.reports.models import CaseRecord, MonitoringReport
from portal.reports.sharing import network_people
from tests.factories import OrganisationFactory, UserFactory, add_member, make_workspace
from tests.reports.factories import add_cases, make_report, network_user, workspace_with_roles

pytestmark = pytest.mark.django_db


def url(report, suffix=""):
    return f"/workspaces/{report.workspace.slug}/reports/{report.pk}/{suffix}"


def login(client, user):
    client.force_login(user)
    return client


def shared_events(report):
    return AuditEvent.objects.filter(action=report_actions.REPORT_SHARED, target_id=str(report.pk))


@pytest.fixture
def reviewed():
    """A report written by a member and reviewed by the manager, with 12 records."""
    workspace, people = workspace_with_roles()
    report = make_report(workspace, author=people["member"], status="reviewed")
    add_cases(report, 12)
    return report, people


def confirmed(report):
    report = MonitoringReport.objects.get(pk=report.pk)
    return {"confirm": "on", "revision": report.revision}


def test_the_report_page_leads_to_the_confirmation_page(client, reviewed):
    report, people = reviewed
    page = login(client, people["manager"]).get(url(report)).content.decode()
    assert f'<a class="button" href="{url(report, "share/")}">Share with the network</a>' in page


def test_the_confirmation_page_says_what_becomes_visible_to_whom(client, reviewed):
    report, people = reviewed
    # The network: the verified organisations of workspace_with_roles, these two,
    # and their people; an unverified organisation and its people do not count.
    for _ in range(2):
        network_user()
    UserFactory(organisation=OrganisationFactory(verified=False))
    organisations = Organisation.objects.filter(verified=True).count()
    people_count = network_people().count()

    response = login(client, people["manager"]).get(url(report, "share/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Its 12 case records then count in the public statistics" in html
    assert f"({organisations} organisations, about {people_count} people with accounts)" in html
    assert "partners (API and exports), only as anonymised totals" in html
    assert "does not recall what others have already read, downloaded or published" in html
    assert 'name="confirm"' in html


def test_opening_the_confirmation_page_changes_nothing(client, reviewed):
    report, people = reviewed
    login(client, people["manager"]).get(url(report, "share/"))
    assert MonitoringReport.objects.get(pk=report.pk).audience == "workspace"
    assert not shared_events(report).exists()
    assert not CaseRecord.objects.published().filter(report=report).exists()


def test_a_post_without_the_confirmation_shares_nothing(client, reviewed):
    report, people = reviewed
    data = confirmed(report)
    del data["confirm"]
    response = login(client, people["manager"]).post(url(report, "share/"), data)
    assert response.status_code == 400
    assert "Tick the box to confirm" in response.content.decode()
    assert MonitoringReport.objects.get(pk=report.pk).audience == "workspace"
    assert not shared_events(report).exists()


def test_a_confirmation_of_an_older_version_of_the_report_shares_nothing(client, reviewed):
    report, people = reviewed
    data = {**confirmed(report), "revision": 1}
    response = login(client, people["manager"]).post(url(report, "share/"), data)
    assert response.status_code == 400
    assert "The report changed since this page was opened" in response.content.decode()
    assert MonitoringReport.objects.get(pk=report.pk).audience == "workspace"


def test_a_confirmed_post_shares_the_report(client, reviewed):
    report, people = reviewed
    response = login(client, people["manager"]).post(
        url(report, "share/"), confirmed(report), follow=True
    )
    assert response.redirect_chain[-1][0] == report.get_absolute_url()
    assert "now shared with the whole network" in response.content.decode()
    assert MonitoringReport.objects.get(pk=report.pk).audience == "network"
    assert shared_events(report).get().actor == people["manager"]
    assert CaseRecord.objects.published().filter(report=report).count() == 12


@pytest.mark.parametrize("role", ["member", "observer"])
def test_members_who_do_not_moderate_cannot_open_or_post_the_confirmation(client, reviewed, role):
    report, people = reviewed
    browser = login(client, people[role])
    assert browser.get(url(report, "share/")).status_code == 403
    assert browser.post(url(report, "share/"), confirmed(report)).status_code == 403
    assert MonitoringReport.objects.get(pk=report.pk).audience == "workspace"


def test_people_outside_the_workspace_do_not_find_the_confirmation(client, reviewed):
    report, _people = reviewed
    other = add_member(make_workspace(owner=network_user()), network_user(), "manager")
    browser = login(client, other)
    assert browser.get(url(report, "share/")).status_code == 404
    assert browser.post(url(report, "share/"), confirmed(report)).status_code == 404
    assert MonitoringReport.objects.get(pk=report.pk).audience == "workspace"


def test_sharing_too_often_answers_429_and_shares_nothing(client, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "report.share": "2/h"}
    workspace, people = workspace_with_roles()
    reports = [make_report(workspace, author=people["member"], status="reviewed") for _ in range(3)]
    browser = login(client, people["manager"])
    for report in reports[:2]:
        assert browser.post(url(report, "share/"), confirmed(report)).status_code == 302
    response = browser.post(url(reports[2], "share/"), confirmed(reports[2]))
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "You have shared many reports in a short time. Nothing was shared" in (
        response.content.decode()
    )
    assert MonitoringReport.objects.get(pk=reports[2].pk).audience == "workspace"
    assert not shared_events(reports[2]).exists()
    # The limit is per person: the owner may still share.
    owner = login(client, people["owner"])
    assert owner.post(url(reports[2], "share/"), confirmed(reports[2])).status_code == 302
