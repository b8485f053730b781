"""Report permissions are derived from workspace roles and audience tokens."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from portal.core.audience import audiences_for, can_see
from portal.members.permissions import remove_membership, set_membership
from portal.reports.models import MonitoringReport
from portal.reports.policy import report_access
from tests.factories import OrganisationFactory, UserFactory, add_member, make_workspace
from tests.reports.factories import make_report, network_user, workspace_with_roles

pytestmark = pytest.mark.django_db


def _people():
    workspace, people = workspace_with_roles()
    people["anonymous"] = AnonymousUser()
    people["network_outsider"] = network_user()
    people["unverified_outsider"] = UserFactory(organisation=OrganisationFactory(verified=False))
    other = make_workspace(owner=network_user())
    people["other_workspace_member"] = add_member(other, network_user(), "member")
    return workspace, people


def test_view_is_exactly_audience_can_see_and_the_queryset_agrees():
    workspace, people = _people()
    reports = [
        make_report(workspace),
        make_report(workspace, status="submitted"),
        make_report(workspace, status="reviewed"),
        make_report(workspace, audience="network"),
    ]
    for name, user in people.items():
        visible = set(MonitoringReport.objects.visible_to(user))
        for report in reports:
            expected = can_see(user, report.audiences(), audiences_for(user))
            assert report_access(user, report).view == expected, (name, report.audience)
            assert (report in visible) == expected, (name, report.audience)


@pytest.mark.parametrize(
    "role, edit, submit, moderate, export",
    [
        ("owner", True, True, True, True),
        ("manager", True, True, True, True),
        ("member", True, True, False, True),
        ("observer", False, False, False, False),
    ],
)
def test_roles_map_to_report_actions(role, edit, submit, moderate, export):
    workspace, people = workspace_with_roles()
    # Written by the member, so that the owner and the manager are second persons.
    author = people["member"]
    draft = make_report(workspace, author=author)
    submitted = make_report(workspace, author=author, status="submitted")
    reviewed = make_report(workspace, author=author, status="reviewed")
    shared = make_report(workspace, author=author, audience="network")
    user = people[role]
    assert report_access(user, draft).edit is edit
    assert report_access(user, draft).submit is submit
    assert report_access(user, draft).export is export
    assert report_access(user, submitted).review is moderate
    assert report_access(user, reviewed).share is moderate
    assert report_access(user, reviewed).reopen is moderate
    assert report_access(user, shared).withdraw is moderate
    # Nobody edits outside a draft.
    for report in (submitted, reviewed, shared):
        assert not report_access(user, report).edit


def test_network_members_outside_the_workspace_read_shared_reports_only():
    workspace, _people = workspace_with_roles()
    shared = make_report(workspace, audience="network")
    reader = network_user()
    access = report_access(reader, shared)
    assert access.view and access.network_reader
    assert not (access.member or access.edit or access.comment or access.export or access.withdraw)
    assert not report_access(reader, make_report(workspace, status="reviewed")).view


def test_removing_a_membership_takes_the_reports_away_at_once():
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    member = people["member"]
    assert report_access(member, report).view
    remove_membership(workspace, member, actor=people["owner"])
    member = type(member).objects.get(pk=member.pk)
    assert not report_access(member, report).view
    assert report not in MonitoringReport.objects.visible_to(member)


def test_a_role_change_changes_what_the_person_may_do():
    workspace, people = workspace_with_roles()
    report = make_report(workspace, status="submitted")
    member = people["member"]
    assert not report_access(member, report).review
    set_membership(workspace, member, "manager", actor=people["owner"])
    member = type(member).objects.get(pk=member.pk)
    assert report_access(member, report).review


def test_an_archived_workspace_is_read_only():
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    workspace.archived_at = timezone.now()
    workspace.save()
    report = MonitoringReport.objects.select_related("workspace").get(pk=report.pk)
    access = report_access(people["owner"], report)
    assert access.view and access.member
    assert not (access.edit or access.submit or access.comment)
