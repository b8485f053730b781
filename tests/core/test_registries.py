"""The registries apps stand on (portal.core): activity verbs, workspace tabs,
audit detail keys and the guards asked before a deletion. Each test works on a copy of the
registry, so what it registers is forgotten afterwards."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from portal.core import activity_verbs, audit_actions, deletion, tabs


@pytest.fixture
def verbs(monkeypatch):
    monkeypatch.setattr(activity_verbs, "_verbs", dict(activity_verbs._verbs))
    return activity_verbs


@pytest.fixture
def tab_registry(monkeypatch):
    monkeypatch.setattr(tabs, "_tabs", {})
    return tabs


@pytest.fixture
def guards(monkeypatch):
    monkeypatch.setattr(deletion, "_guards", [])
    return deletion


def test_a_registered_verb_reads_as_its_label(verbs):
    code = verbs.register("visit_logged", "logged a monitoring visit")
    assert code == "visit_logged"
    assert verbs.label("visit_logged") == "logged a monitoring visit"
    assert "visit_logged" in verbs.codes()


def test_a_verb_nobody_registers_reads_as_its_code_rather_than_failing(verbs):
    assert verbs.label("app_since_removed") == "app_since_removed"


def test_two_apps_giving_one_verb_different_words_is_refused_at_start(verbs):
    verbs.register("visit_logged", "logged a monitoring visit")
    verbs.register("visit_logged", "logged a monitoring visit")  # a second ready(): fine
    with pytest.raises(ImproperlyConfigured):
        verbs.register("visit_logged", "deleted a monitoring visit")
    assert verbs.label("visit_logged") == "logged a monitoring visit"


@translation.override("en")
def test_the_apps_register_their_verbs_in_core():
    # Members' own, a members verb registered beside its service, and reports'.
    assert str(activity_verbs.label("commented")) == "commented"
    assert "network coordinator" in str(activity_verbs.label("coordinator_self_added"))
    assert str(activity_verbs.label("report_submitted")) == (
        "submitted a monitoring report for review"
    )


def test_tabs_show_only_to_holders_of_their_permission_in_their_order(tab_registry):
    tab_registry.register_tab(
        tabs.WorkspaceTab("files", "Files", "members:file_list", "view_workspace", order=20)
    )
    tab_registry.register_tab(
        tabs.WorkspaceTab("audit", "Audit log", "members:audit_log", "read_audit_workspace", 80)
    )
    tab_registry.register_tab(
        tabs.WorkspaceTab("overview", "Overview", "members:workspace_detail", "view_workspace", 0)
    )
    workspace = SimpleNamespace(slug="osh-shelter")

    shown = tab_registry.tabs_for(workspace, {"view_workspace"}, current="files")

    assert [tab["key"] for tab in shown] == ["overview", "files"]
    assert shown[1]["url"] == "/workspaces/osh-shelter/files/"
    assert [tab["current"] for tab in shown] == [False, True]
    everything = {"view_workspace", "read_audit_workspace"}
    assert [t["key"] for t in tab_registry.tabs_for(workspace, everything)][-1] == "audit"


def test_nobody_without_permissions_gets_any_tab(tab_registry):
    tab_registry.register_tab(
        tabs.WorkspaceTab("files", "Files", "members:file_list", "view_workspace")
    )
    assert tab_registry.tabs_for(SimpleNamespace(slug="osh-shelter"), frozenset()) == []


def test_the_apps_register_their_tabs_in_core():
    keys = {tab["key"] for tab in tabs.tabs_for(SimpleNamespace(slug="x"), {"view_workspace"})}
    assert {"overview", "discussions", "files", "members", "reports"} <= keys
    assert not {"audit", "settings"} & keys


def test_every_guards_objection_is_given_and_no_objection_lets_the_object_go(guards):
    guards.register_guard(lambda obj: None)
    assert guards.reasons_to_keep("notes.txt") == []

    def held_by_a_report(obj):
        return f"{obj} is held by a report." if obj == "notes.txt" else None

    guards.register_guard(held_by_a_report)
    guards.register_guard(held_by_a_report)  # a second ready() adds nothing
    assert guards.reasons_to_keep("notes.txt") == ["notes.txt is held by a report."]
    assert guards.reasons_to_keep("photo.png") == []


def test_reports_registers_its_guard_in_core():
    from portal.reports.file_guards import keep_files_of_submitted_reports

    assert keep_files_of_submitted_reports in deletion._guards
    # It has nothing to say about what is not a workspace file.
    assert keep_files_of_submitted_reports("not a file") is None


@pytest.fixture
def details(monkeypatch):
    monkeypatch.setattr(audit_actions, "_details", dict(audit_actions._details))
    monkeypatch.setattr(
        audit_actions, "_values", {k: dict(v) for k, v in audit_actions._values.items()}
    )
    return audit_actions


def test_a_detail_key_is_registered_once_and_its_values_can_grow(details):
    details.register_detail("visits", "Visits", kind=details.NUMBER)
    details.register_detail("visits", "Visits", kind=details.NUMBER)  # a second ready()
    with pytest.raises(ImproperlyConfigured):
        details.register_detail("visits", "Visits logged", kind=details.NUMBER)
    with pytest.raises(ImproperlyConfigured):
        details.register_detail("visits", "Visits", kind=details.CODE)
    details.register_detail("district", "District", values={"osh": "Osh"})
    details.register_values("district", [("batken", "Batken")])
    assert details.value_labels("district") == {"osh": "Osh", "batken": "Batken"}
    with pytest.raises(ImproperlyConfigured):
        details.register_values("never_registered", [("a", "A")])


@translation.override("en")
def test_each_app_registers_its_own_detail_keys_members_first():
    # Members' keys, then reports', then the API's (INSTALLED_APPS order), so
    # the log reads "Before" ahead of a report's status and a token's expiry.
    order = audit_actions.detail_positions()
    assert order["previous"] < order["status"] < order["rows"] < order["expires_at"]
    assert str(audit_actions.detail("case_record_added").label) == "Case record added, no."
    assert audit_actions.detail("window_seconds").kind == audit_actions.SECONDS
    # Reports' statuses and members' roles both read under "previous".
    previous = audit_actions.value_labels("previous")
    assert {"owner", "submitted"} <= set(previous)
