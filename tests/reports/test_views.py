"""The report pages, as each kind of visitor meets them."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from django.utils import timezone

from portal.members.models import AuditEvent
from portal.reports import audit_actions as report_actions
from portal.reports.models import (
    CaseRecord,
    ChangeKind,
    MonitoringReport,
    ReportChange,
    ReportComment,
)
from portal.reports.views import reports as report_views
from tests.factories import UserFactory, add_member, make_workspace
from tests.mfa import add_totp, pass_second_factor
from tests.reports.factories import add_cases, make_report, network_user, workspace_with_roles

pytestmark = pytest.mark.django_db


def url(report, suffix=""):
    return f"/workspaces/{report.workspace.slug}/reports/{report.pk}/{suffix}"


def login(client, user):
    client.force_login(user)
    return client


def report_form_data(report=None, **overrides):
    data = {
        "title": "Quarterly monitoring",
        "period_start": "2024-01-01",
        "period_end": "2024-03-31",
        "country": "KG",
        "region": "Osh oblast",
        "summary": "Visits to three construction sites.",
    }
    if report is not None:
        data["revision"] = report.revision
    data.update(overrides)
    return data


# --- Who can open what -------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "edit/", "cases/new/", "import/"])
def test_anonymous_visitors_are_sent_to_login(client, suffix):
    report = make_report()
    response = client.get(url(report, suffix))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("audience", ["workspace", "network"])
def test_member_of_other_workspace_without_network_membership_cannot_open_report(client, audience):
    report = make_report(audience=audience)
    other = make_workspace()
    stranger = add_member(other, UserFactory(), "member")  # no verified organisation
    response = login(client, stranger).get(url(report))
    assert response.status_code == 404


def test_outsider_cannot_open_a_workspace_only_report(client):
    report = make_report(status="reviewed")
    response = login(client, network_user()).get(url(report))
    assert response.status_code == 404
    assert report.title.encode() not in response.content


def test_a_report_cannot_be_opened_under_another_workspace_slug(client):
    report = make_report()
    owner = report.workspace.memberships.get().user
    mine = make_workspace(owner=owner)
    response = login(client, owner).get(f"/workspaces/{mine.slug}/reports/{report.pk}/")
    assert response.status_code == 404


def test_member_sees_the_workspace_badge_rows_comments_and_history(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace, title="Osh Q1")
    add_cases(report, 3)
    response = login(client, people["member"]).get(url(report))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-audience="workspace"' in html
    assert 'id="comments"' in html and 'id="history"' in html
    assert html.count("<tr>") >= 4  # three case rows and the history
    assert "Created the report" in html
    assert AuditEvent.objects.filter(
        action=report_actions.REPORT_VIEWED, target_id=str(report.pk), actor=people["member"]
    ).exists()


def test_network_member_reads_a_shared_report_as_totals_without_rows(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace, audience="network", summary="Construction sites visited.")
    add_cases(report, 12, gender="Female")
    comment = ReportComment.objects.create(report=report, body="Internal note", author_name="A")
    reader = network_user()
    response = login(client, reader).get(url(report))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-audience="network"' in html
    assert "Construction sites visited." in html
    assert comment.body not in html and 'id="history"' not in html
    assert "Edit" not in re.sub(r"<[^>]+>", " ", html).split("Summary")[0]
    assert re.search(r"<td>Female</td><td>12</td>", html)
    assert f"cases/{report.cases.first().pk}/edit/" not in html
    # Read-only: every write URL is refused as for any non-member.
    assert login(client, reader).get(url(report, "edit/")).status_code == 404
    assert login(client, reader).post(url(report, "withdraw/")).status_code == 404
    assert MonitoringReport.objects.get(pk=report.pk).audience == "network"


def test_a_network_member_cannot_change_a_report_shared_with_the_network(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace, audience="network")
    add_cases(report, 2, gender="Female")
    record = report.cases.first()
    comment = ReportComment.objects.create(report=report, body="Internal note", author_name="A")
    reader = login(client, network_user())
    writes = {
        "edit/": {"title": "Taken over"},
        "submit/": {},
        "review/": {},
        "return/": {},
        "reopen/": {},
        "share/": {},
        "withdraw/": {},
        "comments/": {"body": "From outside"},
        f"comments/{comment.pk}/delete/": {},
        "attachments/": {"description": "x"},
        "cases/new/": case_form_data(),
        f"cases/{record.pk}/edit/": case_form_data(gender="Male"),
        f"cases/{record.pk}/delete/": {},
        "import/": {"mode": "replace"},
    }
    for suffix, data in writes.items():
        assert reader.post(url(report, suffix), data).status_code == 404, suffix
    report.refresh_from_db()
    assert (report.status, report.audience) == ("reviewed", "network")
    assert report.cases.count() == 2 and report.comments.count() == 1
    assert not report.cases.filter(gender="Male").exists()


def test_with_mfa_required_a_network_member_without_totp_reads_no_shared_report(client, settings):
    settings.PORTAL_REQUIRE_MFA = True
    workspace, people = workspace_with_roles()
    report = make_report(workspace, audience="network", summary="Construction sites visited.")
    person = network_user()
    reader = login(client, person)
    for path in (url(report), "/network/reports/"):
        response = reader.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(reverse("mfa_activate_totp")), path
    assert (
        "Construction sites visited." not in reader.get(url(report), follow=True).content.decode()
    )

    secret = add_totp(person)
    assert Authenticator.objects.filter(user=person, type="totp").exists()
    # The device alone is not enough: this session types its code first.
    assert reader.get(url(report)).url.startswith(reverse("mfa_reauthenticate"))
    pass_second_factor(reader, person, secret)
    assert "Construction sites visited." in reader.get(url(report)).content.decode()
    assert report.title in reader.get("/network/reports/").content.decode()


# --- Creating and editing ----------------------------------------------------------


def test_member_creates_a_report_as_a_draft(client):
    workspace, people = workspace_with_roles()
    response = login(client, people["member"]).post(
        f"/workspaces/{workspace.slug}/reports/new/", report_form_data()
    )
    report = MonitoringReport.objects.get(workspace=workspace)
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    assert (report.status, report.audience, report.created_by) == (
        "draft",
        "workspace",
        people["member"],
    )


def test_observer_cannot_create_or_edit(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    login(client, people["observer"])
    assert client.get(f"/workspaces/{workspace.slug}/reports/new/").status_code == 403
    assert client.post(url(report, "edit/"), report_form_data(report)).status_code == 403


def test_personal_data_in_the_narrative_is_refused_with_the_place_and_the_text_is_kept(client):
    workspace, people = workspace_with_roles()
    summary = "Interviews in Osh.\nOne woman, born 05.11.1998, gave her number +996 555 123 456."
    response = login(client, people["member"]).post(
        f"/workspaces/{workspace.slug}/reports/new/", report_form_data(summary=summary)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Line 2, column 17" in html and "05.11.1998" in html
    assert "Line 2, column 45" in html and "phone number" in html
    assert "Interviews in Osh.\nOne woman, born 05.11.1998" in html  # nothing typed is lost
    assert not MonitoringReport.objects.filter(workspace=workspace).exists()


def test_russian_narrative_with_personal_data_is_refused(client):
    workspace, people = workspace_with_roles()
    response = login(client, people["member"]).post(
        f"/workspaces/{workspace.slug}/reports/new/",
        report_form_data(summary="Айгуль, 1998 г.р., пишите на aigul@mail.ru"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "1998 г.р." in html and "aigul@mail.ru" in html
    assert "looks like a date of birth" in html and "looks like an e-mail address" in html


def test_editing_records_history_shown_on_the_report_page(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace, title="Before")
    login(client, people["member"])
    response = client.post(url(report, "edit/"), report_form_data(report, title="After"))
    assert response.status_code == 302
    html = client.get(url(report)).content.decode()
    assert "Before" in html and "After" in html
    assert str(people["member"]) in html


def test_a_stale_edit_is_refused_and_the_typed_text_kept(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    login(client, people["member"])
    stale = report_form_data(report, summary="My version")
    client.post(url(report, "edit/"), report_form_data(report, summary="Their version"))
    response = client.post(url(report, "edit/"), stale)
    assert response.status_code == 400
    assert "Someone else saved this report" in response.content.decode()
    assert "My version" in response.content.decode()
    assert MonitoringReport.objects.get(pk=report.pk).summary == "Their version"


def test_a_submitted_report_cannot_be_edited_and_says_why(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace, status="submitted")
    response = login(client, people["member"]).get(url(report, "edit/"), follow=True)
    assert response.redirect_chain[-1][0] == report.get_absolute_url()
    assert "can no longer be edited" in response.content.decode()


# --- Workflow buttons --------------------------------------------------------------


def test_the_workflow_through_the_pages(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    member, manager = people["member"], people["manager"]
    assert login(client, member).post(url(report, "submit/")).status_code == 302
    assert login(client, member).post(url(report, "review/")).status_code == 403
    assert login(client, manager).post(url(report, "review/")).status_code == 302
    assert login(client, member).post(url(report, "share/")).status_code == 403
    report.refresh_from_db()
    confirmed = {"confirm": "on", "revision": report.revision}
    assert login(client, manager).post(url(report, "share/"), confirmed).status_code == 302
    report.refresh_from_db()
    assert (report.status, report.audience) == ("reviewed", "network")
    html = login(client, manager).get(url(report)).content.decode()
    assert 'data-audience="network"' in html and "Withdraw from the network" in html
    assert login(client, manager).post(url(report, "withdraw/")).status_code == 302
    report.refresh_from_db()
    assert report.audience == "workspace"


def test_workflow_actions_need_post(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    assert login(client, people["owner"]).get(url(report, "submit/")).status_code == 405


def test_sharing_a_draft_is_refused_with_a_message(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    response = login(client, people["manager"]).post(url(report, "share/"), follow=True)
    assert "Only a reviewed report can be shared" in response.content.decode()
    assert MonitoringReport.objects.get(pk=report.pk).audience == "workspace"


def test_submission_with_personal_data_points_to_the_places_to_fix(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    MonitoringReport.objects.filter(pk=report.pk).update(summary="Contact: x.y@mail.ru")
    response = login(client, people["member"]).post(url(report, "submit/"), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0].endswith("edit/?check=1")
    assert "cannot be submitted" in html and "Line 1, column 10" in html
    assert "x.y@mail.ru" in html
    assert MonitoringReport.objects.get(pk=report.pk).status == "draft"


def test_an_archived_workspace_refuses_changes(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    workspace.archived_at = timezone.now()
    workspace.save()
    login(client, people["owner"])
    assert client.get(url(report)).status_code == 200
    assert client.post(url(report, "submit/")).status_code == 403
    assert client.get(url(report, "cases/new/")).status_code == 403


# --- Case records and comments -----------------------------------------------------


def case_form_data(**overrides):
    data = {
        "year_of_registration": "2023",
        "gender": "Female",
        "age_band": "18--20",
        "citizenship": "KG",
        "country_of_exploitation": "TR",
        "case_status": "Active",
        "referred_to": "NGO",
        "exploitation": ["isSexualExploit"],
        "means": ["meansOfControlWithholdsDocuments", "meansOfControlFalsePromises"],
        "recruiter": ["recruiterRelationFriend"],
    }
    data.update(overrides)
    return data


def test_case_records_page_two_shows_the_next_rows(client, monkeypatch):
    monkeypatch.setattr(report_views, "CASES_PER_PAGE", 2)
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    records = add_cases(report, 3)
    client = login(client, people["member"])

    first = client.get(url(report))
    second = client.get(url(report), {"page": 2})

    assert [r.pk for r in first.context["cases_page"]] == [records[0].pk, records[1].pk]
    assert [r.pk for r in second.context["cases_page"]] == [records[2].pk]
    assert f'href="{url(report)}?page=2#cases" rel="next"' in first.content.decode()
    assert 'aria-label="Case record pages"' in first.content.decode()
    for page in ["abc", "0", "-1", "99", "9" * 400]:
        response = client.get(url(report), {"page": page})
        assert response.status_code == 200, page[:10]
        assert response.context["case_count"] == 3


def test_member_adds_edits_and_deletes_a_case_record(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    login(client, people["member"])
    assert client.post(url(report, "cases/new/"), case_form_data()).status_code == 302
    record = CaseRecord.objects.get(report=report)
    assert record.is_sexual_exploit and record.means_of_control_withholds_documents
    assert not record.is_forced_labour
    assert record.recruiter_relation_friend
    response = client.post(
        url(report, f"cases/{record.pk}/edit/"), case_form_data(exploitation=["isForcedLabour"])
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.is_forced_labour and not record.is_sexual_exploit
    assert client.post(url(report, f"cases/{record.pk}/delete/")).status_code == 302
    assert not CaseRecord.objects.filter(pk=record.pk).exists()


def test_editing_a_case_record_in_the_form_records_each_changed_field(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    login(client, people["member"])
    client.post(url(report, "cases/new/"), case_form_data())
    record = CaseRecord.objects.get(report=report)
    response = client.post(
        url(report, f"cases/{record.pk}/edit/"),
        case_form_data(gender="Male", citizenship="UZ", exploitation=["isForcedLabour"]),
    )
    assert response.status_code == 302
    changes = {
        change.field: (change.old_value, change.new_value)
        for change in ReportChange.objects.filter(report=report, kind=ChangeKind.CASE_CHANGED)
    }
    assert changes["gender"] == ("Female", "Male")
    assert changes["citizenship"] == ("KG", "UZ")
    assert "exploitation" in changes
    history = client.get(url(report, "")).content.decode()
    assert "Uzbekistan" in history


def test_a_case_record_form_refuses_values_outside_the_vocabulary(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    response = login(client, people["member"]).post(
        url(report, "cases/new/"),
        case_form_data(age_band="25", citizenship="XX", year_of_registration="1999"),
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {
        "age_band",
        "citizenship",
        "year_of_registration",
    }
    assert not CaseRecord.objects.exists()


def test_case_record_urls_of_another_report_are_not_found(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    [foreign] = add_cases(make_report())
    response = login(client, people["owner"]).get(url(report, f"cases/{foreign.pk}/edit/"))
    assert response.status_code == 404


def test_comments_with_personal_data_are_refused_and_kept_in_the_form(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    login(client, people["member"])
    response = client.post(url(report, "comments/"), {"body": "Her passport AN1234567 is gone"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Her passport AN1234567 is gone" in html and "Line 1, column 14" in html
    assert not ReportComment.objects.exists()
    response = client.post(url(report, "comments/"), {"body": "Shelter confirmed the intake."})
    assert response.status_code == 302
    assert "Shelter confirmed the intake." in client.get(url(report)).content.decode()


def test_only_the_author_or_a_manager_removes_a_comment(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    login(client, people["member"])
    client.post(url(report, "comments/"), {"body": "A note."})
    comment = ReportComment.objects.get()
    other_member = add_member(workspace, network_user(), "member")
    path = url(report, f"comments/{comment.pk}/delete/")
    assert login(client, other_member).post(path).status_code == 403
    assert login(client, people["manager"]).post(path).status_code == 302
    assert not ReportComment.objects.exists()


# --- Lists -------------------------------------------------------------------------


def test_the_report_list_shows_this_workspace_only(client):
    workspace, people = workspace_with_roles()
    mine = make_report(workspace, title="Ours")
    make_report(title="Theirs")
    response = login(client, people["observer"]).get(f"/workspaces/{workspace.slug}/reports/")
    html = response.content.decode()
    assert mine.title in html and "Theirs" not in html


def test_the_network_list_shows_shared_reports_to_network_members_only(client):
    shared = make_report(audience="network", title="Shared one")
    make_report(status="reviewed", title="Kept inside")
    response = login(client, network_user()).get("/network/reports/")
    html = response.content.decode()
    assert response.status_code == 200
    assert shared.title in html and "Kept inside" not in html
    assert login(client, UserFactory()).get("/network/reports/").status_code == 403
    assert client.logout() is None
    assert client.get("/network/reports/").status_code == 302


@pytest.mark.parametrize(
    ("language", "said"),
    [("en", "The report was submitted for review."), ("ru", "Отчёт отправлен на проверку.")],
)
def test_a_workflow_message_is_in_the_readers_language(client, language, said):
    """Not in the language that happened to be active when the views were
    first imported (a full test run imports them under English or Russian,
    depending on which test reverses a URL first)."""
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    add_cases(report)
    response = login(client, people["member"]).post(
        url(report, "submit/"), follow=True, HTTP_ACCEPT_LANGUAGE=language
    )
    assert said in [str(message) for message in response.context["messages"]]
