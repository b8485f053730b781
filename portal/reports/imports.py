"""Reading case records from CSV and XLSX files in HTCDS/CTDC column names.

``parse_cases`` reads and validates a whole file without touching the database
and returns unsaved CaseRecords plus, for every bad cell, a RowError (row,
column, value, what is wrong). The caller stores the records only if there is no
error at all (services.import_cases, one transaction): a file goes in entirely or
not at all. Problems with the file itself (type, encoding, size, columns) raise
ImportFileError with a message for the person and the HTTP status to answer with.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.core import filetypes
from portal.core.countries import COUNTRY_CODES

from . import vocabulary as vocab
from .models import CaseRecord

CSV = "csv"
XLSX = "xlsx"

# A workbook's parts may not unpack to more than this multiple of the upload
# limit: a few kilobytes of zip must not become gigabytes in memory.
_MAX_UNPACKED_RATIO = 20

_TRUE = {"1", "true", "yes", "y", "да", "x"}
_FALSE = {"0", "false", "no", "n", "нет", ""}


class ImportFileError(Exception):
    """The file as a whole cannot be imported."""

    def __init__(self, message, status=400):
        self.message = message
        self.status = status
        super().__init__(message)


@dataclass(frozen=True)
class RowError:
    row: int  # as the person sees it in their spreadsheet: the header is row 1
    column: str
    value: str
    problem: str


@dataclass
class ParsedFile:
    file_format: str
    records: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors


# --- Reading the table --------------------------------------------------------------


def detect_format(name, head):
    lower = (name or "").lower()
    kind = filetypes.container(head)
    if kind == filetypes.OLE2 or lower.endswith(".xls"):
        raise ImportFileError(
            _(
                "This is an old Excel (.xls) file. Save it as “Excel Workbook (.xlsx)” or "
                "“CSV UTF-8” and upload that."
            ),
            status=415,
        )
    if kind == filetypes.ZIP:
        if lower.endswith((".xlsx", ".xlsm")):
            return XLSX
        raise ImportFileError(
            _("Only CSV and Excel (.xlsx) files can be imported. This file is neither."),
            status=415,
        )
    if lower.endswith((".csv", ".txt")):
        return CSV
    raise ImportFileError(
        _("Only CSV and Excel (.xlsx) files can be imported. This file is neither."), status=415
    )


def _read_csv(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            _(
                "The file is not in UTF-8 (the first unreadable character is on line "
                "%(line)s). In Excel choose “Save as” → “CSV UTF-8 (comma delimited)”, or "
                "upload the .xlsx file itself."
            )
            % {"line": line}
        ) from exc
    if "\x00" in text:
        raise ImportFileError(_("The file contains binary data and is not a CSV file."), 415)
    first_line = text.split("\n", 1)[0]
    # Excel in a Russian locale writes ";" between columns.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        raise ImportFileError(
            _("The CSV file is malformed near line %(line)s: %(problem)s.")
            % {"line": reader.line_num, "problem": exc}
        ) from exc


def _read_xlsx(data):
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ImportFileError(_("The Excel file is damaged and cannot be read."), 400) from exc
    if unpacked > settings.PORTAL_IMPORT_MAX_BYTES * _MAX_UNPACKED_RATIO:
        raise ImportFileError(_("The Excel file unpacks to too much data to import."), 413)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise ImportFileError(_("The Excel file is damaged and cannot be read."), 400) from exc
    try:
        if not workbook.worksheets:
            raise ImportFileError(
                _(
                    "The Excel file has no worksheet to read. Put the case records on the "
                    "first sheet, save the file again and retry."
                )
            )
        # In read-only mode openpyxl parses the sheet's XML and unpacks it from the
        # zip only while iterating, so a truncated or corrupt sheet fails here, row by
        # row, not in load_workbook.
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        number = 0
        while True:
            try:
                row = next(rows)
            except StopIteration:
                break
            except Exception as exc:  # ParseError, BadZipFile (CRC), EOFError, zlib.error…
                raise ImportFileError(
                    _("The Excel file is damaged and cannot be read."), 400
                ) from exc
            number += 1
            yield number, list(row)
    finally:
        workbook.close()


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(data, name, *, max_rows=None, max_bytes=None):
    """(format, header, [(row number, [cell text…]), …]) for an uploaded file."""
    max_rows = max_rows or settings.PORTAL_IMPORT_MAX_ROWS
    max_bytes = max_bytes or settings.PORTAL_IMPORT_MAX_BYTES
    if len(data) > max_bytes:
        raise ImportFileError(
            _("The file is %(size)s MB; files up to %(limit)s MB can be imported.")
            % {"size": round(len(data) / 1_048_576, 1), "limit": round(max_bytes / 1_048_576, 1)},
            status=413,
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    file_format = detect_format(name, data[:8])
    source = _read_xlsx(data) if file_format == XLSX else _read_csv(data)
    header = None
    rows = []
    for number, cells in source:
        texts = [_cell_text(cell) for cell in cells]
        if not any(texts):
            continue
        if header is None:
            header = texts
            continue
        rows.append((number, texts))
        if len(rows) > max_rows:
            raise ImportFileError(
                ngettext(
                    "The file has more than %(limit)s row of records; split it into files "
                    "of at most %(limit)s rows.",
                    "The file has more than %(limit)s rows of records; split it into files "
                    "of at most %(limit)s rows.",
                    max_rows,
                )
                % {"limit": max_rows},
                status=413,
            )
    if header is None:
        raise ImportFileError(_("The file is empty."))
    return file_format, header, rows


# --- Columns ------------------------------------------------------------------------

_CODED_BY_COLUMN = {c.column: c for c in vocab.CODED_COLUMNS}
_COLUMN_BY_FIELD = {c.field: c.column for c in vocab.CODED_COLUMNS}
_FLAG_GROUP_BY_COLUMN = {column: group for group in vocab.FLAG_GROUPS for column in group.columns}
_CONCATENATED = {group.concatenated_column: group for group in vocab.FLAG_GROUPS}


def _canonical_columns():
    names = {}
    for column in (
        *_CODED_BY_COLUMN,
        *_FLAG_GROUP_BY_COLUMN,
        *_CONCATENATED,
        *vocab.DERIVED_COLUMNS,
        *vocab.IGNORED_CTDC_COLUMNS,
        *vocab.OTHER_EXPLOITATION_COLUMNS,
    ):
        names[column.lower()] = column
    for alias, column in vocab.MEANS_OF_CONTROL_ALIASES.items():
        names[alias.lower()] = column
    return names


CANONICAL_COLUMNS = _canonical_columns()
IMPORTABLE_COLUMNS = (
    *(c.column for c in vocab.CODED_COLUMNS),
    *vocab.ALL_FLAG_COLUMNS,
)


def map_header(header):
    """Header cells -> canonical column names; ImportFileError for unknown,
    duplicate or missing columns."""
    mapped, unknown, seen = [], [], set()
    for cell in header:
        name = cell.strip()
        canonical = CANONICAL_COLUMNS.get(name.lower()) if name else None
        if name and canonical is None:
            unknown.append(name)
        if canonical in seen:
            raise ImportFileError(
                _("The column “%(column)s” appears twice. Keep one of them.") % {"column": name}
            )
        if canonical:
            seen.add(canonical)
        mapped.append(canonical)
    if unknown:
        raise ImportFileError(
            _(
                "The file has columns that are not part of the case-record vocabulary: "
                "%(columns)s. Case records hold coded values only (no names, notes or "
                "contacts): remove these columns, or rename them to the HTCDS/CTDC names "
                "listed on this page."
            )
            % {"columns": ", ".join(f"“{u}”" for u in unknown)}
        )
    missing = [column for column in vocab.REQUIRED_COLUMNS if column not in seen]
    if missing:
        raise ImportFileError(
            _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    return mapped


# --- Values -------------------------------------------------------------------------


class _Bad(Exception):
    pass


def _parse_year(text):
    if not re.fullmatch(r"\d{4}", text):
        raise _Bad(_("must be a year such as 2023"))
    year = int(text)
    last = vocab.last_registration_year()
    if not vocab.FIRST_REGISTRATION_YEAR <= year <= last:
        raise _Bad(
            _("must be between %(first)s and %(last)s")
            % {"first": vocab.FIRST_REGISTRATION_YEAR, "last": last}
        )
    return year


def _parse_gender(text):
    try:
        return vocab.GENDER_ALIASES[text.lower()].value
    except KeyError:
        raise _Bad(
            _("must be one of: %(values)s") % {"values": ", ".join(vocab.Gender.values)}
        ) from None


def _parse_age(text):
    if not text:
        return ""
    if re.fullmatch(r"\d{1,3}", text):
        raise _Bad(_("exact ages are not stored: give the age band, for example 18--20"))
    normal = re.sub(r"\s", "", text.replace("–", "-").replace("—", "-"))
    normal = re.sub(r"-+", "--", normal)
    normal = vocab.AGE_ALIASES.get(normal, normal)
    if normal not in vocab.AgeBand.values:
        raise _Bad(_("must be one of: %(values)s") % {"values": ", ".join(vocab.AgeBand.values)})
    return normal


def _parse_country(text):
    code = text.upper()
    if not code:
        return ""
    if code in COUNTRY_CODES:
        return code
    if re.fullmatch(r"[A-Z]{3}", code):
        raise _Bad(_("use the two-letter ISO 3166 code, for example UZ or KG"))
    raise _Bad(_("is not an ISO 3166 two-letter country code"))


def _choice_parser(choices, aliases=None):
    by_lower = {value.lower(): value for value in choices.values}
    by_lower.update({k.lower(): v.value for k, v in (aliases or {}).items()})

    def parse(text):
        if not text:
            return ""
        try:
            return by_lower[text.lower()]
        except KeyError:
            raise _Bad(
                _("must be one of: %(values)s") % {"values": ", ".join(choices.values)}
            ) from None

    return parse


_PARSERS = {
    "yearOfRegistration": _parse_year,
    "gender": _parse_gender,
    "ageBroad": _parse_age,
    "citizenship": _parse_country,
    "CountryOfExploitation": _parse_country,
    "caseStatus": _choice_parser(vocab.CaseStatus, vocab.CASE_STATUS_ALIASES),
    "referredTo": _choice_parser(vocab.ReferredTo),
}


def _parse_flag(text):
    lowered = text.lower()
    if lowered.endswith(".0"):
        lowered = lowered[:-2]
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise _Bad(_("must be 1 or 0"))


def _concatenated_parser(group):
    lookup = {}
    for choice in group.choices:
        lookup[vocab.EXCHANGE_LABELS[choice].lower()] = choice.value
        lookup[str(choice.label).lower()] = choice.value
        lookup[choice.value.lower()] = choice.value

    def parse(text):
        values = set()
        for item in re.split(r"[;,]", text):
            item = item.strip()
            if not item:
                continue
            try:
                values.add(lookup[item.lower()])
            except KeyError:
                allowed = ", ".join(vocab.EXCHANGE_LABELS[c] for c in group.choices)
                raise _Bad(
                    _("“%(item)s” is not one of: %(values)s") % {"item": item, "values": allowed}
                ) from None
        return values

    return parse


# --- The whole file -----------------------------------------------------------------


def parse_cases(data, name, *, max_rows=None, progress=None):
    """Read and validate a file; see the module docstring."""
    file_format, header, rows = read_rows(data, name, max_rows=max_rows)
    columns = map_header(header)
    present = set(filter(None, columns))
    parsed = ParsedFile(file_format=file_format)
    parsed.ignored_columns = [
        c for c in columns if c in vocab.IGNORED_CTDC_COLUMNS or c in vocab.DERIVED_COLUMNS
    ]
    # A "…Concatenated" column is read only when its group has no flag columns.
    concatenated = {
        group.concatenated_column: _concatenated_parser(group)
        for group in vocab.FLAG_GROUPS
        if not present.intersection(group.columns)
    }
    for column in _CONCATENATED:
        if column in present and column not in concatenated:
            parsed.ignored_columns.append(column)

    total = len(rows)
    for index, (number, cells) in enumerate(rows, start=1):
        values, errors = _parse_row(number, columns, cells, concatenated)
        if errors:
            parsed.errors.extend(errors)
        else:
            parsed.records.append(CaseRecord(**values))
        if progress and (index % 500 == 0 or index == total):
            progress(index, total)
    return parsed


def _parse_row(number, columns, cells, concatenated):
    values = {field: False for group in vocab.FLAG_GROUPS for field in group.fields}
    errors = []
    for position, column in enumerate(columns):
        if column is None:
            continue
        text = cells[position] if position < len(cells) else ""
        try:
            if column in _PARSERS:
                values[_CODED_BY_COLUMN[column].field] = _PARSERS[column](text)
            elif column in _FLAG_GROUP_BY_COLUMN:
                if _parse_flag(text):
                    values[vocab.field_name(column)] = True
            elif column in vocab.OTHER_EXPLOITATION_COLUMNS:
                if _parse_flag(text):
                    values["is_other_exploit"] = True
            elif column in concatenated:
                for flag in concatenated[column](text):
                    values[vocab.field_name(flag)] = True
        except _Bad as problem:
            errors.append(RowError(number, column, text[:80], str(problem.args[0])))
    for coded in vocab.CODED_COLUMNS:
        values.setdefault(coded.field, "")
    if values.get("gender") == "":
        values["gender"] = vocab.Gender.UNKNOWN.value
    if not errors:
        try:
            CaseRecord(**values).clean_fields(exclude=["report"])
        except ValidationError as exc:  # a rule of the model this parser did not catch
            for field, messages in exc.message_dict.items():
                errors.append(
                    RowError(number, _COLUMN_BY_FIELD.get(field, field), "", " ".join(messages))
                )
    return values, errors
