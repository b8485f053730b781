"""A workspace manager's journey, in Russian, at desktop and phone width.

The manager invites a colleague, writes a monitoring report, adds a case
record through the form, imports a CSV file that has a mistake (and sees
which row and column, with nothing imported and the earlier record kept),
fixes the file, imports it again and submits. The manager is offered no
review: four eyes. A second manager reviews, opens the sharing confirmation,
reads what becomes visible to whom, confirms, and the report is shared. A
member of another organisation then reads it as totals only, small groups
hidden.

Folds in the former tests/browser/test_review_and_share.py (first test) and
tests/browser/test_report_totals.py: their assertions are kept below.
"""

import re

import pytest

from portal.members.models import Invitation
from portal.reports import vocabulary as vocab
from portal.reports.models import MonitoringReport
from tests.browser.journey import sign_in
from tests.factories import OrganisationFactory, UserFactory, add_member, make_workspace

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

TITLE = "Мониторинг строек, первый квартал"
HEADER = "yearOfRegistration,gender,ageBroad,citizenship,CountryOfExploitation,"
HEADER += "isForcedLabour,typeOfLabourConstruction,isOrganRemoval\n"
# Brand names, and the CTDC column names (the standard's identifiers), are
# Latin on a Russian page too: the kit is told for the steps that show them.
BRANDS = ("Excel",)
# The import page lists the codes a file must use; "ISO 3166-1 alpha-2" names a standard.
CTDC_CODES = (
    "alpha-",
    *(column.column for column in vocab.CODED_COLUMNS),
    *vocab.ALL_FLAG_COLUMNS,
    *(group.concatenated_column for group in vocab.FLAG_GROUPS),
    *vocab.Gender.values,
    *vocab.CaseStatus.values,
    *vocab.ReferredTo.values,
)
CTDC_WORDS = (*BRANDS, *re.findall(r"[A-Za-z][A-Za-z'-]+", " ".join(CTDC_CODES)))


def csv_file(rows, name="cases.csv"):
    """A file as the manager's spreadsheet saves it, picked in the file dialog."""
    return {"name": name, "mimeType": "text/csv", "buffer": (HEADER + "".join(rows)).encode()}


def person(first, last, organisation, **kwargs):
    return UserFactory(
        first_name=first,
        last_name=last,
        organisation=OrganisationFactory(name=organisation, verified=True),
        **kwargs,
    )


GOOD_ROWS = [
    *["2024,Male,24--26,KG,RU,1,1,0\n"] * 9,
    *["2024,Male,27--29,UZ,KZ,0,0,1\n"] * 2,
    "2024,Female,0--8,KG,TR,1,0,0\n",
]
# Row 4 of the file (the header is row 1) gives an exact age, row 6 leaves the
# year empty: the import refuses the file and names each row and column.
BAD_ROWS = [
    *GOOD_ROWS[:2],
    "2024,Female,17,KG,RU,1,0,0\n",
    GOOD_ROWS[3],
    ",Male,24--26,KG,RU,1,1,0\n",
    *GOOD_ROWS[5:],
]


def sign_in_as(journey, user):
    """Sign in on a fresh session: members land on "My workspaces"."""
    journey.page.context.clear_cookies()
    sign_in(journey.page, journey.base, user.email)
    journey.page.wait_for_url("**/workspaces/")


def open_workspace(page, workspace):
    """From wherever signing in lands, through the header's "Workspaces"."""
    page.locator(".site-nav__account a").click()
    page.locator(f'main a[href="{workspace.get_absolute_url()}"]').first.click()
    page.wait_for_url(f"**{workspace.get_absolute_url()}")


def test_a_manager_reports_and_a_second_manager_reviews_and_shares(journey):
    page = journey.page
    owner = person("Айгуль", "Осмонова", "Общественный фонд «Открытый путь»")
    workspace = make_workspace(owner=owner, name="Ошская группа мониторинга")
    manager = add_member(workspace, person("Бакыт", "Исаев", "Фонд «Сезим»"), "manager")
    reviewer = add_member(workspace, person("Нургуль", "Абдыкадырова", "Фонд «Шанс»"), "manager")
    reader = person("Дильноза", "Каримова", "Ассоциация «Истиклол»")

    # --- the manager invites a colleague ---------------------------------------
    sign_in_as(journey, manager)
    open_workspace(page, workspace)
    journey.check("workspace")
    page.locator(".workspace-header a[href$='/members/']").first.click()
    page.locator("a[href$='/invitations/new/']").click()
    page.wait_for_url("**/invitations/new/")
    journey.check("invitation-form")
    page.fill("input[name=email]", "kollega@example.org")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert Invitation.objects.filter(workspace=workspace, email="kollega@example.org").exists()
    assert "kollega@example.org" in page.locator("main").inner_text()

    # --- writes a report ---------------------------------------------------------
    page.locator(".workspace-header a[href$='/reports/']").first.click()
    page.wait_for_url("**/reports/")
    journey.check("reports")
    page.locator("a[href$='/reports/new/']").click()
    page.wait_for_url("**/reports/new/")
    journey.check("report-form")
    page.fill("#id_title", TITLE)
    page.fill("#id_period_start", "2024-01-01")
    page.fill("#id_period_end", "2024-03-31")
    page.select_option("#id_country", "KG")
    page.fill("#id_region", "Ошская область")
    page.fill("#id_summary", "Посещения трёх строительных площадок.")
    page.locator("form.report-form button[type=submit]").click()
    page.wait_for_url("**/reports/*/")
    report = MonitoringReport.objects.get(workspace=workspace)
    journey.check("report", allowed_words=BRANDS)

    # --- adds a case record by the form -----------------------------------------
    page.locator('a[href$="/cases/new/"]').first.click()
    page.wait_for_url("**/cases/new/")
    journey.check("case-form")
    page.select_option("#id_gender", "Female")
    page.select_option("#id_age_band", "18--20")
    page.select_option("#id_citizenship", "KG")
    page.select_option("#id_country_of_exploitation", "RU")
    page.locator("form.case-form button[type=submit]:not([name])").click()
    page.wait_for_url(f"**{report.get_absolute_url()}**")
    assert report.cases.count() == 1
    assert page.locator("table.cases tbody tr").count() == 1
    journey.check(
        "report-with-case", allowed_words=BRANDS
    )  # the report page, with its table of case records

    # --- imports a CSV with a mistake --------------------------------------------
    page.locator('a[href$="/import/"]').first.click()
    page.wait_for_url("**/import/")
    journey.check("import", allowed_words=CTDC_WORDS)
    page.set_input_files("input[type=file]", csv_file(BAD_ROWS))
    with journey.expecting(422, r"/import/$"):
        page.locator("form.panel button[type=submit]").click()
    problems = page.locator(".panel--errors")
    assert problems.is_visible()
    problem = problems.locator("tbody tr").first
    cells = [problem.locator("td").nth(i).inner_text() for i in range(4)]
    assert cells[0] == "4", cells  # the row in the file, counting the header
    assert cells[1] == "ageBroad", cells
    assert cells[2] == "17", cells
    assert "возрастн" in cells[3].lower(), cells  # says to give the age band
    assert "ничего не импортировано" in problems.inner_text().lower()
    empty = problems.locator("tbody tr").nth(1)
    cells = [empty.locator("td").nth(i).inner_text() for i in range(3)]
    assert cells == ["6", "yearOfRegistration", "—"], cells  # an empty cell, shown without English
    journey.check("import-refused", allowed_words=CTDC_WORDS)
    assert report.cases.count() == 1  # nothing from the bad file, the earlier record kept

    # --- fixes the file and imports it again ------------------------------------
    page.set_input_files("input[type=file]", csv_file(GOOD_ROWS))
    page.locator("form.panel button[type=submit]").click()
    page.wait_for_url(f"**{report.get_absolute_url()}**")
    assert report.cases.count() == 13
    assert "13" in page.locator(".messages, [role=status]").first.inner_text()
    journey.check("imported", allowed_words=BRANDS)

    # --- submits; the manager is offered no review -------------------------------
    page.locator('form[action$="/submit/"] button').click()
    page.wait_for_url(f"**{report.get_absolute_url()}")
    assert page.locator('[data-status="submitted"]').is_visible()
    assert page.locator('form[action$="/review/"]').count() == 0
    journey.check("submitted", allowed_words=BRANDS)

    # --- a second manager reviews and shares, after confirming -------------------
    sign_in_as(journey, reviewer)
    open_workspace(page, workspace)
    page.locator(".workspace-header a[href$='/reports/']").first.click()
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_url(f"**{report.get_absolute_url()}")
    journey.check("review", allowed_words=BRANDS)
    page.locator('form[action$="/review/"] button').click()
    page.wait_for_url(f"**{report.get_absolute_url()}")
    assert page.locator('[data-status="reviewed"]').is_visible()
    journey.check("reviewed", allowed_words=BRANDS)

    page.locator('a[href$="/share/"]').click()
    page.wait_for_url("**/share/")
    assert "13" in page.locator('[data-reach="cases"]').inner_text()
    assert page.locator('[data-reach="network"]').is_visible()
    assert page.locator('[data-reach="withdraw"]').is_visible()
    journey.check("share-confirmation")
    # Without the box ticked nothing is shared, and the page says why.
    with journey.expecting(400, r"/share/$"):
        page.locator("form.share-confirm button[type=submit]").click()
    assert page.locator("form.share-confirm .field__errors").count()
    assert MonitoringReport.objects.get(pk=report.pk).audience == "workspace"
    journey.check("share-unconfirmed")

    page.check("#id_confirm")
    page.locator("form.share-confirm button[type=submit]").click()
    page.wait_for_url(f"**{report.get_absolute_url()}")
    assert page.locator('.report__badges [data-audience="network"]').is_visible()
    journey.check("shared", allowed_words=BRANDS)
    assert MonitoringReport.objects.get(pk=report.pk).audience == "network"

    # --- a member of another organisation reads it as totals ---------------------
    sign_in_as(journey, reader)
    journey.goto("/network/reports/")
    journey.check("network-list")
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_url(f"**{report.get_absolute_url()}")
    assert page.locator("h1").inner_text() == TITLE
    exploitation = page.locator('.summary-table[data-table="exploitation"]')
    exploitation.scroll_into_view_if_needed()
    assert exploitation.is_visible()
    organ_row = exploitation.locator("tr.suppressed").filter(has_text="менее 11")
    assert organ_row.count() >= 1  # organ removal (2 records) among them
    assert page.locator("table.cases").count() == 0  # no rows
    assert "0–8" not in page.locator("#cases").inner_text()
    journey.check("totals")
