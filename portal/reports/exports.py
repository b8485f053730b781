"""Exports of case records, raw (workspace members) or anonymised (partners).
Every export is written to the audit log: format, scope and row counts, never
the data itself."""

from dataclasses import dataclass

from django.utils import timezone

from portal.members import audit

from .anonymity import ANONYMISED_COLUMNS, anonymise
from .exchange import MEMBER_COLUMNS, records_rows, to_csv, to_json
from .models import CaseRecord
from .statistics import published_release

CSV = "csv"
JSON = "json"
FORMATS = (CSV, JSON)
CONTENT_TYPES = {CSV: "text/csv; charset=utf-8", JSON: "application/json; charset=utf-8"}


@dataclass(frozen=True)
class Export:
    content: str
    content_type: str
    filename: str
    rows: int


def _render(rows, columns, fmt, **meta):
    if fmt == CSV:
        return to_csv(rows, columns)
    return to_json(rows, columns, **meta)


def _filename(stem, fmt):
    return f"{stem}-{timezone.localdate():%Y%m%d}.{fmt}"


def export_workspace(
    workspace, *, fmt, anonymised=False, report=None, actor, request=None, via="web"
):
    """The workspace's case records (or one report's), raw or anonymised."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    records = CaseRecord.objects.filter(report__workspace=workspace)
    if report is not None:
        records = records.filter(report=report)
    rows = list(records_rows(records))
    stem = f"{workspace.slug}-report-{report.pk}" if report else workspace.slug
    details = {
        "format": fmt,
        "anonymised": anonymised,
        "scope": "report" if report else "workspace",
        "via": via,
    }
    if anonymised:
        release = anonymise(rows)
        content = _render(
            release.rows,
            ANONYMISED_COLUMNS,
            fmt,
            anonymised=True,
            k=release.k,
            count=release.records_out,
        )
        details.update(rows=release.records_out, rows_withheld=release.rows_withheld, k=release.k)
        out_rows, stem = release.records_out, f"{stem}-anonymised"
    else:
        content = _render(rows, MEMBER_COLUMNS, fmt, workspace=workspace.slug, count=len(rows))
        details["rows"] = out_rows = len(rows)
        stem = f"{stem}-case-records"
    audit.record(
        actor,
        audit.REPORT_EXPORTED,
        target=report or workspace,
        workspace=workspace,
        request=request,
        **details,
    )
    return Export(content, CONTENT_TYPES[fmt], _filename(stem, fmt), out_rows)


def export_published(*, fmt, actor=None, token=None, request=None, via="api"):
    """The network's anonymised release (reviewed records of shared reports):
    what partner organisations receive. Same release as the public statistics."""
    release = published_release()
    content = _render(
        release.rows,
        ANONYMISED_COLUMNS,
        fmt,
        anonymised=True,
        k=release.k,
        count=release.records_out,
    )
    audit_published_export(release, fmt=fmt, actor=actor, token=token, request=request, via=via)
    return Export(
        content,
        CONTENT_TYPES[fmt],
        _filename("ferghana-network-anonymised", fmt),
        release.records_out,
    )


def audit_published_export(release, *, fmt, actor=None, token=None, request=None, via="api"):
    details = {
        "format": fmt,
        "anonymised": True,
        "scope": "network",
        "via": via,
        "rows": release.records_out,
        "rows_withheld": release.rows_withheld,
        "k": release.k,
    }
    if token is not None:
        details.update(token_prefix=token.prefix, organisation=token.organisation_id)
    audit.record(actor, audit.REPORT_EXPORTED, target=token, request=request, **details)
