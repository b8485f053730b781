"""Report pages on a phone: every table of case rows, imports, history and
reports stacks into labelled cards (class table-stack, each cell naming its
column through data-label), and messages are announced without breaking the
list they are in. The journey tests/browser/journeys/test_manager.py walks
these pages at 360 px; these tests say which markup the layout relies on."""

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.reports.factories import add_cases, make_report, workspace_with_roles

pytestmark = pytest.mark.django_db

HEADER = "yearOfRegistration,gender,ageBroad,citizenship,CountryOfExploitation\n"


class _Tables(HTMLParser):
    """Collects, per <table>, its classes and the data-label of each body cell."""

    def __init__(self):
        super().__init__()
        self.tables = []
        self._in_body = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append({"classes": (attrs.get("class") or "").split(), "cells": []})
        elif tag == "tbody":
            self._in_body = True
        elif tag == "td" and self._in_body and self.tables:
            self.tables[-1]["cells"].append((attrs.get("data-label"), attrs.get("class") or ""))

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False


def tables(response):
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def assert_stacked_and_labelled(table):
    assert "table-stack" in table["classes"], table["classes"]
    assert table["cells"], "the table has rows"
    # data-label="" marks a cell of links that name themselves; the empty
    # placeholders of the history are hidden on a phone.
    unlabelled = [
        cell
        for cell in table["cells"]
        if cell[0] is None and "table-stack__empty" not in cell[1].split()
    ]
    assert not unlabelled, f"cells without data-label: {unlabelled}"


@pytest.fixture
def manager_report(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace, author=people["manager"], title="Osh construction sites")
    add_cases(report, 2)
    client.force_login(people["manager"])
    return report


def test_the_case_rows_and_the_history_of_a_report_stack_into_labelled_cards(
    client, manager_report
):
    response = client.get(manager_report.get_absolute_url())
    found = {" ".join(t["classes"]): t for t in tables(response)}
    assert_stacked_and_labelled(found["cases table-stack"])
    assert_stacked_and_labelled(found["history table-stack"])
    assert "Gender" in {label for label, _ in found["cases table-stack"]["cells"]}


def test_the_list_of_a_workspaces_reports_stacks_into_labelled_cards(client, manager_report):
    response = client.get(f"/workspaces/{manager_report.workspace.slug}/reports/")
    (table,) = tables(response)
    assert_stacked_and_labelled(table)


def test_the_network_list_of_shared_reports_stacks_into_labelled_cards(client):
    workspace, people = workspace_with_roles()
    make_report(workspace, audience="network")
    client.force_login(people["observer"])
    response = client.get("/network/reports/")
    (table,) = tables(response)
    assert_stacked_and_labelled(table)


def test_the_problems_of_an_import_and_its_columns_stack_into_labelled_cards(
    client, manager_report
):
    bad = (HEADER + "2024,,17,KG,RU\n").encode()
    response = client.post(
        f"{manager_report.get_absolute_url()}import/",
        {"file": SimpleUploadedFile("cases.csv", bad)},
    )
    assert response.status_code == 422
    problems, columns = tables(response)
    assert_stacked_and_labelled(problems)
    assert_stacked_and_labelled(columns)


def test_an_empty_cell_in_an_import_is_shown_as_a_dash_not_an_english_word(client, manager_report):
    bad = (HEADER + ",Male,24--26,KG,RU\n").encode()
    response = client.post(
        f"{manager_report.get_absolute_url()}import/",
        {"file": SimpleUploadedFile("cases.csv", bad)},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "(empty)" not in html
    assert '<code>yearOfRegistration</code></td><td data-label="Value"><code>—</code>' in html


def test_messages_are_announced_around_the_list_not_on_it(client, manager_report):
    """role="status" on the <ul> would take away its list role: screen readers
    would then meet list items outside any list (axe: listitem, serious)."""
    response = client.post(
        f"{manager_report.get_absolute_url()}submit/",
        follow=True,
    )
    html = response.content.decode()
    assert 'class="messages"' in html
    assert '<ul class="messages" role="status">' not in html
    assert '<div role="status">\n<ul class="messages">' in html


def test_the_import_page_gives_each_code_its_meaning_in_the_readers_language(
    client, manager_report, settings
):
    """The codes are CTDC's English identifiers: a reader needs to know what
    "ClosedReferred" means before typing it in a file."""
    html = client.get(f"{manager_report.get_absolute_url()}import/").content.decode()
    assert "<li><code>ClosedReferred</code> — Referred</li>" in html
    assert "<li><code>Transgender/NonConforming</code> — Transgender / non-conforming</li>" in html
    assert "<li><code>18--20</code></li>" in html
    settings.LANGUAGE_CODE = "ru"
    html = client.get(f"{manager_report.get_absolute_url()}import/").content.decode()
    assert "<li><code>Female</code> — Женский</li>" in html
