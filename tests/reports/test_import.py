"""Importing case records from CSV and XLSX: row-by-row checks, all or nothing,
a clear 4xx for a bad file, and the import_cases command."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from portal.members.models import AuditEvent
from portal.reports import audit_actions as report_actions
from portal.reports.imports import IMPORTABLE_COLUMNS, ImportFileError, parse_cases
from portal.reports.models import CaseRecord, ChangeKind, MonitoringReport, ReportChange
from tests.reports.factories import add_cases, make_report, workspace_with_roles

pytestmark = pytest.mark.django_db

HEADER = ",".join(
    [
        "yearOfRegistration",
        "gender",
        "ageBroad",
        "citizenship",
        "CountryOfExploitation",
        "isForcedLabour",
        "typeOfLabourConstruction",
        "meansOfControlDebtBondage",
        "caseStatus",
    ]
)
CORE = "yearOfRegistration,gender,ageBroad,citizenship"
GOOD_ROWS = [
    "2023,Male,24--26,KG,RU,1,1,1,Active",
    "2023,Female,18--20,UZ,TR,0,0,0,FollowUp",
    "2022,Unknown,,TJ,KZ,1,0,1,",
]


def csv_bytes(*rows, header=HEADER, bom=False, delimiter=","):
    text = "\n".join([header, *rows]) + "\n"
    if delimiter != ",":
        text = text.replace(",", delimiter)
    return (("\ufeff" if bom else "") + text).encode()


def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_xlsx(content, change):
    """A copy of an .xlsx with every part passed through change(name, bytes);
    returning None drops the part. Parts are stored uncompressed so a test can
    damage them byte by byte."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as target:
        for name in source.namelist():
            part = change(name, source.read(name))
            if part is not None:
                target.writestr(name, part)
    return buffer.getvalue()


SHEET = "xl/worksheets/sheet1.xml"


def good_xlsx(copies=1):
    return xlsx_bytes([HEADER.split(","), *[row.split(",") for row in GOOD_ROWS * copies]])


def xlsx_with_truncated_sheet():
    return rewrite_xlsx(
        good_xlsx(), lambda name, part: part[: len(part) // 2] if name == SHEET else part
    )


def xlsx_failing_its_checksum():
    # The sheet's XML stays well formed; only the zip's CRC-32 of it no longer matches.
    # The sheet is long enough that openpyxl meets the bad checksum while reading
    # rows, not already in load_workbook (which reads the start of a sheet).
    content = rewrite_xlsx(good_xlsx(copies=100), lambda name, part: part)
    info = zipfile.ZipFile(io.BytesIO(content)).getinfo(SHEET)
    sheet_at = content.index(b"<sheetData>", info.header_offset)
    cell_at = content.index(b'r="A2"', sheet_at)
    return content[:cell_at] + b'r="A3"' + content[cell_at + 6 :]


def xlsx_without_sheets():
    return rewrite_xlsx(
        good_xlsx(),
        lambda name, part: (
            re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", part)
            if name == "xl/workbook.xml"
            else part
        ),
    )


BROKEN_XLSX = [
    pytest.param(xlsx_with_truncated_sheet, "damaged", id="truncated-sheet"),
    pytest.param(xlsx_failing_its_checksum, "damaged", id="bad-crc"),
    pytest.param(xlsx_without_sheets, "no worksheet", id="no-sheets"),
]


def import_url(report):
    return f"/workspaces/{report.workspace.slug}/reports/{report.pk}/import/"


def reports_tab_is_current(html, report):
    url = reverse("reports:list", kwargs={"slug": report.workspace.slug})
    return f'<a href="{url}" aria-current="page">Reports</a>' in html


def upload(client, report, name, content, **data):
    return client.post(import_url(report), {"file": SimpleUploadedFile(name, content), **data})


@pytest.fixture
def member_and_report(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    client.force_login(people["member"])
    return people["member"], report


# --- Parsing -------------------------------------------------------------------------


def test_a_good_csv_file_gives_coded_records():
    parsed = parse_cases(csv_bytes(*GOOD_ROWS), "cases.csv")
    assert parsed.ok and parsed.file_format == "csv"
    first, second, third = parsed.records
    assert (first.year_of_registration, first.gender, first.age_band) == (2023, "Male", "24--26")
    assert first.is_forced_labour and first.type_of_labour_construction
    assert first.means_of_control_debt_bondage and first.case_status == "Active"
    assert (second.country_of_exploitation, second.case_status) == ("TR", "FollowUp")
    assert (third.gender, third.age_band, third.case_status) == ("Unknown", "", "")


def test_excel_csv_with_semicolons_and_a_bom_is_read():
    parsed = parse_cases(csv_bytes(*GOOD_ROWS, bom=True, delimiter=";"), "cases.csv")
    assert parsed.ok and len(parsed.records) == 3


def test_ctdc_spellings_and_aliases_are_accepted():
    header = (
        "YEAROFREGISTRATION,gender,ageBroad,citizenship,countryOfExploitation,isDebtBondage,"
        "caseStatus,Datasource,majorityStatus"
    )
    parsed = parse_cases(
        csv_bytes("2023,Woman,09--17,kg,ru,yes,Follow-up,Case Management,Minor", header=header),
        "ctdc.csv",
    )
    assert parsed.ok, parsed.errors
    [record] = parsed.records
    assert (record.gender, record.age_band, record.citizenship) == ("Female", "9--17", "KG")
    assert record.means_of_control_debt_bondage and record.case_status == "FollowUp"
    assert set(parsed.ignored_columns) == {"Datasource", "majorityStatus"}


def test_concatenated_columns_are_read_when_the_flags_are_absent():
    header = f"{CORE},CountryOfExploitation,typeOfExploitConcatenated,typeOfLabourConcatenated"
    parsed = parse_cases(
        csv_bytes(
            '2023,Male,30--38,UZ,RU,"Forced labour; Sexual exploitation",Construction',
            header=header,
        ),
        "cases.csv",
    )
    assert parsed.ok, parsed.errors
    [record] = parsed.records
    assert record.is_forced_labour and record.is_sexual_exploit
    assert record.type_of_labour_construction


def test_every_bad_cell_is_reported_with_row_column_value_and_problem():
    parsed = parse_cases(
        csv_bytes(
            "2023,Male,24--26,KG,RU,1,1,1,Active",
            "23,Mr,25,Kyrgyz,RUS,maybe,1,1,Open",
            "2031,Female,18--20,KG,RU,1,0,0,",
        ),
        "cases.csv",
    )
    assert not parsed.ok
    found = {(e.row, e.column, e.value) for e in parsed.errors}
    assert found == {
        (3, "yearOfRegistration", "23"),
        (3, "gender", "Mr"),
        (3, "ageBroad", "25"),
        (3, "citizenship", "Kyrgyz"),
        (3, "CountryOfExploitation", "RUS"),
        (3, "isForcedLabour", "maybe"),
        (3, "caseStatus", "Open"),
        (4, "yearOfRegistration", "2031"),
    }
    problems = {e.column: e.problem for e in parsed.errors if e.row == 3}
    assert "exact ages are not stored" in problems["ageBroad"]
    assert "two-letter" in problems["CountryOfExploitation"]


def test_xlsx_cells_of_any_type_are_read():
    content = xlsx_bytes(
        [
            [
                "yearOfRegistration",
                "gender",
                "ageBroad",
                "citizenship",
                "CountryOfExploitation",
                "isForcedLabour",
            ],
            [2023.0, "Male", "30--38", "UZ", "KZ", True],
            [2024, "Female", "18--20", "KG", "AE", 0],
            [None, None, None, None, None, None],
        ]
    )
    parsed = parse_cases(content, "cases.xlsx")
    assert parsed.ok and parsed.file_format == "xlsx"
    assert [(r.year_of_registration, r.is_forced_labour) for r in parsed.records] == [
        (2023, True),
        (2024, False),
    ]


@pytest.mark.parametrize(
    "name, content, status, words",
    [
        ("cases.pdf", b"%PDF-1.4 not a table", 415, "Only CSV and Excel"),
        ("cases.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, 415, "old Excel"),
        ("cases.csv", "yearOfRegistration;gender\n2023;Женщина".encode("cp1251"), 400, "UTF-8"),
        ("cases.csv", b"", 400, "empty"),
        ("cases.xlsx", b"PK\x03\x04 this is not really a zip", 400, "damaged"),
        (
            "cases.csv",
            csv_bytes("2023,Male,KG", header="yearOfRegistration,gender,citizenship"),
            400,
            "ageBroad, CountryOfExploitation",
        ),
        (
            "cases.csv",
            csv_bytes("2023,Male,24--26,KG,RU,1,1,1,Active,Aigul", header=HEADER + ",name"),
            400,
            "“name”",
        ),
        ("cases.csv", csv_bytes("1,2", header="gender,gender,ageBroad"), 400, "twice"),
    ],
)
def test_a_bad_file_is_refused_as_a_whole(name, content, status, words):
    with pytest.raises(ImportFileError) as raised:
        parse_cases(content, name)
    assert raised.value.status == status
    assert words in raised.value.message


@pytest.mark.parametrize("make_file, words", BROKEN_XLSX)
def test_a_broken_excel_file_is_refused_with_a_message(make_file, words):
    with pytest.raises(ImportFileError) as raised:
        parse_cases(make_file(), "cases.xlsx")
    assert raised.value.status == 400
    assert words in raised.value.message


def test_too_many_rows_are_refused(settings):
    settings.PORTAL_IMPORT_MAX_ROWS = 2
    with pytest.raises(ImportFileError) as raised:
        parse_cases(csv_bytes(*GOOD_ROWS), "cases.csv")
    assert raised.value.status == 413 and "at most 2 rows" in raised.value.message


def test_an_empty_template_lists_every_importable_column(client, member_and_report):
    _member, report = member_and_report
    response = client.get(import_url(report) + "?template=csv")
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content.decode("utf-8-sig").strip().split(",") == list(IMPORTABLE_COLUMNS)


# --- The page ------------------------------------------------------------------------


def test_the_import_page_sits_under_the_workspaces_reports_tab(client, member_and_report):
    _member, report = member_and_report
    response = client.get(import_url(report))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Import case records" in html
    assert reports_tab_is_current(html, report)
    assert html.count('aria-current="page"') == 1


def test_the_import_page_stores_every_row_and_records_history_and_audit(client, member_and_report):
    member, report = member_and_report
    response = upload(client, report, "cases.csv", csv_bytes(*GOOD_ROWS))
    assert response.status_code == 302
    assert CaseRecord.objects.filter(report=report).count() == 3
    change = ReportChange.objects.get(report=report, kind=ChangeKind.IMPORTED)
    assert (change.old_value, change.new_value, change.actor) == ("0", "3", member)
    event = AuditEvent.objects.get(action=report_actions.CASES_IMPORTED, target_id=str(report.pk))
    assert event.details == {"rows": 3, "format": "csv", "replaced": 0, "via": "web"}


def test_one_bad_row_imports_nothing_and_lists_the_problems(client, member_and_report):
    _member, report = member_and_report
    add_cases(report, 2)
    response = upload(
        client, report, "cases.csv", csv_bytes(*GOOD_ROWS, "2023,Male,25,KG,RU,1,1,1,")
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Nothing was imported" in html
    # One row of the problems table names the file's row, the column and the value.
    assert re.search(
        r"<td[^>]*>5</td><td[^>]*><code>ageBroad</code></td><td[^>]*><code>25</code></td>", html
    )
    assert CaseRecord.objects.filter(report=report).count() == 2


@pytest.mark.parametrize(
    "name, content, status",
    [
        ("cases.docx", b"PK\x03\x04whatever", 415),
        ("cases.csv", "gender\nмужчина".encode("cp1251"), 400),
        ("cases.csv", csv_bytes("2023", header="yearOfRegistration"), 400),
    ],
)
def test_a_bad_file_gets_a_friendly_page_not_an_error(
    client, member_and_report, name, content, status
):
    _member, report = member_and_report
    response = upload(client, report, name, content)
    assert response.status_code == status
    assert "Import case records" in response.content.decode()
    assert reports_tab_is_current(response.content.decode(), report)
    assert not CaseRecord.objects.filter(report=report).exists()


@pytest.mark.parametrize("make_file, words", BROKEN_XLSX)
def test_a_broken_excel_upload_gets_a_message_and_leaves_the_report_as_it_was(
    client, member_and_report, make_file, words
):
    _member, report = member_and_report
    add_cases(report, 2)
    before = set(CaseRecord.objects.filter(report=report).values_list("pk", flat=True))
    changes = ReportChange.objects.filter(report=report).count()
    response = upload(client, report, "cases.xlsx", make_file(), replace="on")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Import case records" in html and words in html
    assert set(CaseRecord.objects.filter(report=report).values_list("pk", flat=True)) == before
    assert ReportChange.objects.filter(report=report).count() == changes
    assert not AuditEvent.objects.filter(action=report_actions.CASES_IMPORTED).exists()


def test_an_oversized_upload_is_refused_before_reading(client, member_and_report, settings):
    settings.PORTAL_IMPORT_MAX_BYTES = 100
    _member, report = member_and_report
    response = upload(client, report, "cases.csv", csv_bytes(*GOOD_ROWS * 5))
    assert response.status_code == 413
    assert "too large" in response.content.decode()


def test_replace_swaps_the_records_in_one_go(client, member_and_report):
    _member, report = member_and_report
    add_cases(report, 5)
    response = upload(
        client,
        report,
        "cases.xlsx",
        xlsx_bytes([HEADER.split(","), GOOD_ROWS[0].split(",")]),
        replace="on",
    )
    assert response.status_code == 302
    assert CaseRecord.objects.filter(report=report).count() == 1


def test_import_into_a_submitted_report_is_refused(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace, status="submitted")
    client.force_login(people["member"])
    response = upload(client, report, "cases.csv", csv_bytes(*GOOD_ROWS))
    assert response.status_code == 302
    assert not CaseRecord.objects.filter(report=report).exists()


def test_observers_and_outsiders_cannot_import(client):
    workspace, people = workspace_with_roles()
    report = make_report(workspace)
    client.force_login(people["observer"])
    assert upload(client, report, "cases.csv", csv_bytes(*GOOD_ROWS)).status_code == 403
    assert not CaseRecord.objects.exists()


# --- The command ---------------------------------------------------------------------


def test_the_command_creates_a_draft_report_and_reports_progress(tmp_path):
    workspace, people = workspace_with_roles()
    path = tmp_path / "cases.csv"
    path.write_bytes(csv_bytes(*GOOD_ROWS))
    out = io.StringIO()
    call_command(
        "import_cases", str(path), "--workspace", workspace.slug, "--country", "kg",
        "--as", people["member"].email, stdout=out,
    )  # fmt: skip
    report = MonitoringReport.objects.get(workspace=workspace)
    assert report.status == "draft" and report.country == "KG"
    assert (report.period_start.year, report.period_end.year) == (2022, 2023)
    assert report.cases.count() == 3
    output = out.getvalue()
    assert "checked 3/3 rows" in output and f"report #{report.pk}" in output
    event = AuditEvent.objects.get(action=report_actions.CASES_IMPORTED)
    assert event.actor == people["member"] and event.details["via"] == "command"


def test_the_command_adds_to_an_existing_report_or_fails_with_the_problems(tmp_path):
    workspace, _people = workspace_with_roles()
    report = make_report(workspace)
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.csv"
    good.write_bytes(xlsx_bytes([HEADER.split(","), *[row.split(",") for row in GOOD_ROWS]]))
    bad.write_bytes(csv_bytes("2023,Male,25,KG,RU,1,1,1,"))
    call_command(
        "import_cases",
        str(good),
        "--workspace",
        workspace.slug,
        "--report",
        str(report.pk),
        stdout=io.StringIO(),
    )
    assert report.cases.count() == 3
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "import_cases",
            str(bad),
            "--workspace",
            workspace.slug,
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "2\tageBroad\t25\t" in err.getvalue()
    assert MonitoringReport.objects.filter(workspace=workspace).count() == 1


def test_the_command_refuses_unknown_workspaces_and_files(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes(csv_bytes(*GOOD_ROWS))
    with pytest.raises(CommandError, match="No workspace"):
        call_command("import_cases", str(path), "--workspace", "nope")
    workspace, _people = workspace_with_roles()
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_cases", str(tmp_path / "x.csv"), "--workspace", workspace.slug)


@pytest.mark.parametrize("make_file, words", BROKEN_XLSX)
def test_the_command_refuses_a_broken_excel_file_and_creates_no_report(tmp_path, make_file, words):
    workspace, _people = workspace_with_roles()
    reports = MonitoringReport.objects.count()
    path = tmp_path / "cases.xlsx"
    path.write_bytes(make_file())
    with pytest.raises(CommandError, match=words):
        call_command("import_cases", str(path), "--workspace", workspace.slug)
    assert MonitoringReport.objects.count() == reports
    assert not CaseRecord.objects.exists()


def test_the_command_imports_nothing_in_the_name_of_an_observer(tmp_path):
    workspace, people = workspace_with_roles()
    path = tmp_path / "cases.csv"
    path.write_bytes(csv_bytes(*GOOD_ROWS))
    with pytest.raises(CommandError, match="does not allow"):
        call_command(
            "import_cases", str(path), "--workspace", workspace.slug,
            "--as", people["observer"].email, stdout=io.StringIO(),
        )  # fmt: skip
    assert not MonitoringReport.objects.filter(workspace=workspace).exists()
    assert not CaseRecord.objects.filter(report__workspace=workspace).exists()
