"""Four eyes before the network, from the side of a manager acting alone: nobody
reviews a report they wrote or whose case rows they added, changed, deleted or
imported, and only a report reviewed by a second person is ever shared."""

import pytest
from django.utils import translation

from portal.members.models import AuditEvent
from portal.reports import audit_actions as report_actions
from portal.reports import services
from portal.reports.four_eyes import report_contributors
from portal.reports.imports import parse_cases
from portal.reports.models import CaseRecord, MonitoringReport
from portal.reports.policy import report_access
from tests.api.conftest import bearer, make_token
from tests.factories import add_member
from tests.reports.factories import (
    add_cases,
    case_values,
    make_report,
    network_user,
    publish,
    workspace_with_roles,
)

pytestmark = pytest.mark.django_db

CSV = (
    b"yearOfRegistration,gender,ageBroad,citizenship,CountryOfExploitation,isForcedLabour\n"
    b"2023,Male,24--26,KG,RU,1\n"
    b"2023,Female,18--20,KG,TR,1\n"
)


def url(report, suffix=""):
    return f"/workspaces/{report.workspace.slug}/reports/{report.pk}/{suffix}"


def login(client, user):
    client.force_login(user)
    return client


def status_of(report):
    return MonitoringReport.objects.values_list("status", "audience").get(pk=report.pk)


# --- A manager acting alone ---------------------------------------------------------


def test_a_manager_cannot_review_a_report_they_wrote():
    workspace, people = workspace_with_roles()
    manager = people["manager"]
    report = make_report(workspace, author=manager, status="submitted")
    with (
        translation.override("en"),
        pytest.raises(services.WorkflowError, match="another manager or the owner"),
    ):
        services.review_report(report, actor=manager)
    assert status_of(report) == ("submitted", "workspace")
    assert not report_access(manager, report).review
    assert report_access(manager, report).review_needs_second_person


def test_the_report_page_offers_its_author_no_review_and_refuses_the_post(client):
    workspace, people = workspace_with_roles()
    manager = people["manager"]
    report = make_report(workspace, author=manager, status="submitted")
    page = login(client, manager).get(url(report)).content.decode()
    assert url(report, "review/") not in page
    assert "another manager or the owner of the workspace must review it" in page

    response = client.post(url(report, "review/"), follow=True)
    assert "you cannot review it" in response.content.decode()
    assert status_of(report) == ("submitted", "workspace")
    assert not AuditEvent.objects.filter(
        action=report_actions.REPORT_STATUS_CHANGED,
        target_id=str(report.pk),
        details__status="reviewed",
    ).exists()


def _added(report, actor):
    services.add_case(report, actor=actor, values=case_values())


def _changed(report, actor):
    services.update_case(report.cases.first(), actor=actor, values={"gender": "Female"})


def _deleted(report, actor):
    services.delete_case(report.cases.first(), actor=actor)


def _imported(report, actor):
    records = parse_cases(CSV, "cases.csv").records
    assert len(records) == 2
    services.import_cases(report, records, actor=actor, file_format="csv")


def _edited(report, actor):
    services.update_report(report, actor=actor, changes={"region": "Jalal-Abad oblast"})


@pytest.mark.parametrize(
    "contribution", [_added, _changed, _deleted, _imported, _edited], ids=lambda f: f.__name__
)
def test_whoever_changed_the_report_or_its_case_rows_cannot_review_it(contribution):
    workspace, people = workspace_with_roles()
    report = make_report(workspace, author=people["member"])
    add_cases(report, 2)
    contribution(report, people["owner"])
    report = services.submit_report(report, actor=people["member"])

    assert people["owner"].pk in report_contributors(report)
    with pytest.raises(services.WorkflowError):
        services.review_report(report, actor=people["owner"])
    assert not report_access(people["owner"], report).review
    # Someone who only read it can.
    assert report_access(people["manager"], report).review
    services.review_report(report, actor=people["manager"])
    assert status_of(report) == ("reviewed", "workspace")


def test_submitting_and_commenting_do_not_make_a_reviewer_a_contributor():
    workspace, people = workspace_with_roles()
    report = make_report(workspace, author=people["member"])
    services.add_comment(report, actor=people["manager"], body="Please check the dates.")
    services.submit_report(report, actor=people["manager"])
    assert report_contributors(report) == {people["member"].pk}
    services.review_report(report, actor=people["manager"])
    assert MonitoringReport.objects.get(pk=report.pk).reviewed_by == people["manager"]


def test_a_review_needs_a_signed_in_person():
    report = make_report(status="submitted")
    with pytest.raises(services.WorkflowError):
        services.review_report(report, actor=None)
    assert status_of(report) == ("submitted", "workspace")


def test_the_made_up_records_attack_is_refused_and_publishes_nothing(client):
    """One manager creates a report, adds 10 invented records with the profile
    they want to test, submits, reviews and shares it alone: refused at every
    step, and nothing reaches statistics or partners."""
    real = make_report(audience="network")
    add_cases(real, 12, gender="Female", age_band="18--20", citizenship="UZ")
    _token, raw = make_token()
    published_before = CaseRecord.objects.published().count()
    publish()  # statistics and partners read releases
    statistics_before = client.get("/api/v1/statistics").json()["total"]
    partner_before = client.get("/api/v1/cases/anonymised", **bearer(raw)).json()["rows"]

    workspace, people = workspace_with_roles()
    attacker = people["manager"]
    report = services.create_report(
        workspace,
        actor=attacker,
        title="Quarterly check",
        period_start=real.period_start,
        period_end=real.period_end,
        country="KG",
    )
    for _ in range(10):
        services.add_case(
            report,
            actor=attacker,
            values=case_values(gender="Female", age_band="18--20", citizenship="UZ"),
        )
    services.submit_report(report, actor=attacker)

    with pytest.raises(services.WorkflowError):
        services.review_report(report, actor=attacker)
    browser = login(client, attacker)
    browser.post(url(report, "review/"))
    assert browser.get(url(report, "share/")).status_code == 302
    confirmed = {"confirm": "on", "revision": report.revision}
    browser.post(url(report, "share/"), confirmed)
    with pytest.raises(services.WorkflowError):
        services.share_report(report, actor=attacker)

    assert status_of(report) == ("submitted", "workspace")
    assert CaseRecord.objects.published().count() == published_before
    client.logout()
    publish()  # the next release, after the attempt, holds the same
    assert client.get("/api/v1/statistics").json()["total"] == statistics_before
    assert client.get("/api/v1/cases/anonymised", **bearer(raw)).json()["rows"] == partner_before
    assert not AuditEvent.objects.filter(
        action=report_actions.REPORT_SHARED, target_id=str(report.pk)
    ).exists()


def test_a_second_manager_reviews_and_the_report_can_then_be_shared():
    workspace, people = workspace_with_roles()
    writer = people["manager"]
    second = add_member(workspace, network_user(), "manager")
    report = make_report(workspace, author=writer, status="submitted")
    add_cases(report, 3)
    services.review_report(report, actor=second)
    report = MonitoringReport.objects.get(pk=report.pk)
    # The writer may share once someone else has vouched for it.
    assert report_access(writer, report).share
    services.share_report(report, actor=writer)
    assert status_of(report) == ("reviewed", "network")
    assert CaseRecord.objects.published().filter(report=report).count() == 3


def test_after_reopening_whoever_edits_becomes_a_contributor():
    workspace, people = workspace_with_roles()
    author, reviewer, owner = people["member"], people["manager"], people["owner"]
    report = make_report(workspace, author=author, reviewer=reviewer, audience="network")
    add_cases(report, 1)
    services.reopen_report(report, actor=reviewer)
    services.update_case(report.cases.first(), actor=reviewer, values={"age_band": "30--38"})
    report = services.submit_report(report, actor=author)

    with pytest.raises(services.WorkflowError):
        services.review_report(report, actor=reviewer)
    assert not report_access(reviewer, report).review
    services.review_report(report, actor=owner)
    assert MonitoringReport.objects.get(pk=report.pk).reviewed_by == owner


def test_a_report_reviewed_by_its_own_writer_is_never_shared(client):
    """Defence in depth, for reports reviewed before the rule (or written into
    the database some other way): sharing checks the reviewer again."""
    workspace, people = workspace_with_roles()
    manager = people["manager"]
    report = make_report(workspace, author=manager, status="submitted")
    add_cases(report, 4)
    MonitoringReport.objects.filter(pk=report.pk).update(status="reviewed", reviewed_by=manager)
    report = MonitoringReport.objects.get(pk=report.pk)

    assert not report_access(people["owner"], report).share
    with pytest.raises(services.WorkflowError, match="not reviewed by a second person"):
        services.share_report(report, actor=people["owner"])
    response = login(client, people["owner"]).get(url(report, "share/"), follow=True)
    assert "not reviewed by a second person" in response.content.decode()
    response = client.post(url(report, "share/"), {"confirm": "on", "revision": report.revision})
    assert response.status_code == 302
    assert status_of(report) == ("reviewed", "workspace")
    assert not CaseRecord.objects.published().filter(report=report).exists()


def test_a_report_whose_reviewer_account_was_deleted_is_not_shared():
    workspace, people = workspace_with_roles()
    report = make_report(workspace, author=people["member"], status="reviewed")
    MonitoringReport.objects.get(pk=report.pk).reviewed_by.delete()
    report = MonitoringReport.objects.get(pk=report.pk)
    assert report.reviewed_by is None
    assert not report_access(people["owner"], report).share
    with pytest.raises(services.WorkflowError):
        services.share_report(report, actor=people["owner"])
