"""The workflow's one table (portal.reports.policy.TRANSITIONS), from the side of
the people it must refuse: for every move, the observer, a member of another
workspace, someone of the network outside the workspace, an anonymous visitor
and a manager acting alone are refused on the page, by the service and by the
API, and nothing changes. And the table, the policy and the page agree: every
workflow button the page offers is a move of the table, a person the policy
refuses gets no button and a refusal from the service."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.template.loader import get_template

from portal.core import activity_verbs, audit_actions
from portal.core.policy import CONFLICT, FORBIDDEN, NOT_FOUND, ActionRefused
from portal.members.lifecycle import archive_workspace
from portal.members.models import AuditEvent
from portal.reports import audit_actions as report_actions
from portal.reports import policy, services
from portal.reports.models import MonitoringReport, ReportChange, ShareApproval
from portal.reports.policy import report_access
from tests.factories import UserFactory, add_member, make_workspace
from tests.reports.factories import make_report, network_user, workspace_with_roles

pytestmark = pytest.mark.django_db

# The page's workflow buttons: (URL suffix, ReportAccess flag, the service's name).
BUTTONS = {
    "submit": ("submit/", "submit"),
    "review": ("review/", "review"),
    "return": ("return/", "review"),
    "reopen": ("reopen/", "reopen"),
    "share": ("share/", "share"),
    "withdraw": ("withdraw/", "withdraw"),
}
# What the report page links to besides the workflow: writing, files, comments.
NOT_WORKFLOW = {
    "list",
    "edit",
    "export",
    "case_create",
    "case_edit",
    "case_delete",
    "import",
    "attachment_add",
    "attachment_remove",
    "comment_add",
    "comment_delete",
}
# The stage each move starts from in these tests.
FROM_STAGE = {
    "submit": "draft",
    "review": "submitted",
    "return": "submitted",
    "reopen": "reviewed",
    "share": "reviewed",
    "withdraw": "shared",
}


def url(report, suffix=""):
    return f"/workspaces/{report.workspace.slug}/reports/{report.pk}/{suffix}"


def report_at(stage, workspace, people, settings):
    """A report written by the member, so the owner and the manager are second persons."""
    if stage == "awaiting_office":
        settings.PORTAL_SHARING_REQUIRES_OFFICE_APPROVAL = True
        report = make_report(workspace, author=people["member"], status="reviewed")
        services.share_report(report, actor=people["manager"])
        return MonitoringReport.objects.get(pk=report.pk)
    if stage == "shared":
        return make_report(workspace, author=people["member"], audience="network")
    return make_report(workspace, author=people["member"], status=stage)


def footprint(report):
    """Everything a move would change, as one comparable value."""
    stored = MonitoringReport.objects.get(pk=report.pk)
    return (
        stored.status,
        stored.audience,
        stored.revision,
        sorted(ShareApproval.objects.filter(report=stored).values_list("state", flat=True)),
        ReportChange.objects.filter(report=stored).count(),
        AuditEvent.objects.filter(target_id=str(stored.pk))
        .exclude(action=report_actions.REPORT_VIEWED)
        .count(),
    )


def post_button(client, report, button):
    data = {"confirm": "on", "revision": report.revision} if button == "share" else {}
    return client.post(url(report, BUTTONS[button][0]), data)


def _verb_label(code):
    return str(activity_verbs.label(code))


# --- The table itself ------------------------------------------------------------------


def test_every_move_of_the_table_is_complete_and_registered():
    # Registered by ReportsConfig.ready: an unknown action or verb would show raw codes.
    for move in policy.TRANSITIONS.values():
        assert set(move.sources) <= set(policy.STAGES), move.name
        assert move.target in policy.STAGES, move.name
        assert move.target not in move.sources, move.name
        assert move.rule in (policy.CONTRIBUTE, policy.MODERATE, policy.COORDINATOR), move.name
        assert move.audit_action in audit_actions.codes(), move.name
        if move.activity_verb:
            assert _verb_label(move.activity_verb) != move.activity_verb, move.name
        for step in (*move.leaving.values(), move.then):
            assert not step or step in policy.TRANSITIONS, move.name


def test_every_workflow_button_of_the_page_is_a_move_of_the_table():
    source = get_template("reports/report_detail.html").template.source
    offered = set(re.findall(r"url '(?:reports|network_reports):(\w+)'", source))
    workflow = offered - NOT_WORKFLOW
    # A new button must join BUTTONS (and so the agreement and attack tests below).
    assert workflow == set(BUTTONS)
    for button in workflow:
        # "share" and "withdraw" stand for two moves each, by the report's stage.
        for stage in policy.STAGES:
            assert policy.move_for(button, None, stage).name in policy.TRANSITIONS, button


@pytest.mark.parametrize("stage", ["draft", "submitted", "reviewed", "awaiting_office", "shared"])
def test_the_page_the_policy_and_the_service_agree_for_every_role(client, settings, stage):
    workspace, people = workspace_with_roles()
    report = report_at(stage, workspace, people, settings)
    for role, person in people.items():
        access = report_access(person, report)
        client.force_login(person)
        page = client.get(url(report)).content.decode()
        for button, (suffix, flag) in BUTTONS.items():
            decision = policy.decide(policy.move_for(button, report).name, person, report)
            shown = f'"{url(report, suffix)}"' in page
            context = (stage, role, button)
            if shown:
                assert decision.allowed, context
            if button == flag:
                # What the template reads is the policy's answer.
                assert getattr(access, flag) == decision.allowed, context
            if not decision.allowed:
                assert not shown, context
                before = footprint(report)
                with pytest.raises(ActionRefused):
                    services.transition(report, button, actor=person)
                assert footprint(report) == before, context
            else:
                # The service acts for whoever the policy allows (then undone).
                with transaction.atomic():
                    services.transition(report, button, actor=person)
                    transaction.set_rollback(True)


# --- From the attacker's side ------------------------------------------------------------


def _attacker(kind, workspace, people, report):
    if kind == "anonymous":
        return AnonymousUser()
    if kind == "outsider":
        return network_user()  # of a verified organisation, in no workspace
    if kind == "other workspace":
        other = make_workspace()
        return add_member(other, UserFactory(), "manager")
    return people[kind]


# Who is refused each move, and how the page and the service answer:
# (page status, service status).
REFUSALS = {
    "anonymous": (302, NOT_FOUND),
    "outsider": (404, NOT_FOUND),
    "other workspace": (404, NOT_FOUND),
    "observer": (403, FORBIDDEN),
}
CASES = [(move, who) for move in BUTTONS for who in REFUSALS] + [
    # A member writes, but moderating is a manager's.
    (move, "member")
    for move in ("review", "return", "reopen", "share", "withdraw")
]


@pytest.mark.parametrize("move, who", CASES)
def test_a_refused_person_moves_nothing_on_the_page_the_service_or_the_api(
    client, settings, move, who
):
    workspace, people = workspace_with_roles()
    report = report_at(FROM_STAGE[move], workspace, people, settings)
    attacker = _attacker(who, workspace, people, report)
    before = footprint(report)

    if who != "anonymous":
        client.force_login(attacker)
    page_status, service_status = REFUSALS.get(who, (403, FORBIDDEN))
    response = post_button(client, report, move)
    assert response.status_code == page_status
    if who == "anonymous":
        assert "/accounts/login/" in response["Location"]

    with pytest.raises(ActionRefused) as refused:
        services.transition(report, move, actor=attacker)
    assert refused.value.status == service_status

    # The members' API is read-only: no address moves a report, whoever asks.
    api = f"/api/v1/workspaces/{workspace.slug}/reports/{report.pk}"
    for path in (api, f"{api}/{move}"):
        assert client.post(path).status_code in (401, 404, 405)
    assert footprint(report) == before


def test_a_manager_acting_alone_cannot_review_on_the_page_the_service_or_the_api(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace, author=people["manager"], status="submitted")
    before = footprint(report)
    client.force_login(people["manager"])
    page = client.get(url(report)).content.decode()
    assert f'"{url(report, "review/")}"' not in page

    response = client.post(url(report, "review/"), follow=True)
    assert "another manager or the owner" in response.content.decode()
    with pytest.raises(services.WorkflowError) as refused:
        services.review_report(report, actor=people["manager"])
    assert refused.value.status == CONFLICT
    api = f"/api/v1/workspaces/{workspace.slug}/reports/{report.pk}"
    assert client.post(f"{api}/review").status_code in (404, 405)
    assert footprint(report) == before


def test_a_refused_service_call_leaves_an_archived_workspace_untouched():
    workspace, people = workspace_with_roles()
    report = make_report(workspace, author=people["member"], status="submitted")
    archive_workspace(workspace, actor=people["owner"])
    report = MonitoringReport.objects.select_related("workspace").get(pk=report.pk)
    before = footprint(report)
    with pytest.raises(ActionRefused) as refused:
        services.review_report(report, actor=people["owner"])
    assert refused.value.status == FORBIDDEN
    assert not report_access(people["owner"], report).review
    assert footprint(report) == before


@pytest.mark.parametrize("who", ["outsider", "other workspace"])
def test_a_report_one_may_not_read_is_answered_like_a_made_up_one_on_page_and_api(client, who):
    workspace, people = workspace_with_roles()
    report = make_report(workspace, author=people["member"], status="reviewed")
    client.force_login(_attacker(who, workspace, people, report))
    made_up = MonitoringReport.objects.order_by("-pk").first().pk + 1000
    api = f"/api/v1/workspaces/{workspace.slug}/reports"
    for report_id in (report.pk, made_up):
        assert client.get(f"/workspaces/{workspace.slug}/reports/{report_id}/").status_code == 404
        response = client.get(f"{api}/{report_id}")
        assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
        assert client.get(f"{api}/{report_id}/cases").status_code == 404
    assert not AuditEvent.objects.filter(
        action=report_actions.REPORT_VIEWED, target_id=str(report.pk)
    ).exists()
