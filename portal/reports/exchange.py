"""Case records as rows in the HTCDS/CTDC exchange vocabulary, and their CSV and
JSON forms. Exports, the anonymiser, statistics and the API all use these rows,
so every way out of the portal speaks the same vocabulary."""

import csv
import io
import json

from django.utils import timezone

from . import vocabulary as vocab

FORMAT_NAME = "htcds-ctdc"
FORMAT_VERSION = 1

FLAG_COLUMNS_IN_ORDER = []
for _group in vocab.FLAG_GROUPS:
    FLAG_COLUMNS_IN_ORDER += _group.columns
    if _group.key == "exploitation":
        FLAG_COLUMNS_IN_ORDER.append("isSexAndLabour")
    FLAG_COLUMNS_IN_ORDER.append(_group.concatenated_column)

# The columns of an export, in CTDC's order where CTDC has the column.
RECORD_COLUMNS = (
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "majorityStatus",
    "citizenship",
    "CountryOfExploitation",
    *FLAG_COLUMNS_IN_ORDER,
    "caseStatus",
    "referredTo",
)
# Members' own exports carry the record and report numbers so rows can be found again.
MEMBER_COLUMNS = ("recordId", "reportId", *RECORD_COLUMNS)


def record_row(record):
    """A CaseRecord as an exchange row: CTDC column -> value (flags 0/1)."""
    row = {
        "recordId": record.pk,
        "reportId": record.report_id,
        "yearOfRegistration": record.year_of_registration,
        "gender": record.gender,
        "ageBroad": record.age_band,
        "majorityStatus": vocab.majority_status(record.age_band),
        "citizenship": record.citizenship,
        "CountryOfExploitation": record.country_of_exploitation,
        "caseStatus": record.case_status,
        "referredTo": record.referred_to,
    }
    for group in vocab.FLAG_GROUPS:
        set_flags = []
        for column, field in zip(group.columns, group.fields, strict=True):
            value = bool(getattr(record, field))
            row[column] = int(value)
            if value:
                set_flags.append(column)
        row[group.concatenated_column] = ";".join(vocab.EXCHANGE_LABELS[c] for c in set_flags)
    row["isSexAndLabour"] = int(bool(row["isForcedLabour"] and row["isSexualExploit"]))
    return row


def records_rows(queryset):
    """Rows for a CaseRecord queryset, streamed in primary-key order."""
    for record in queryset.order_by("report_id", "pk").iterator(chunk_size=1000):
        yield record_row(record)


def to_csv(rows, columns):
    """CSV text with a header row; UTF-8 with a BOM so Excel opens it correctly."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()


def to_json(rows, columns, **meta):
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        **meta,
        "columns": list(columns),
        "records": [{column: row.get(column, "") for column in columns} for row in rows],
    }
    return json.dumps(document, ensure_ascii=False, indent=1)
