"""Exports of case records, raw (workspace members) or anonymised (partners).
Every export is written to the audit log: format, scope and row counts, never
the data itself.

Anonymised exports are read from the latest statistics release
(portal.reports.releases), never from the live records: a workspace's "for
partners" export is exactly the rows partners received from that workspace."""

from dataclasses import dataclass

from django.utils import timezone

from portal.members import audit

from . import audit_actions
from .anonymity import ANONYMISED_COLUMNS
from .exchange import MEMBER_COLUMNS, records_rows, to_csv, to_json
from .models import CaseRecord
from .releases import get_release, released_rows

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


def release_meta(release):
    return {
        "release": release.number,
        "published_at": release.published_at.isoformat(),
        "k": release.parameters["k"],
    }


def export_workspace(workspace, *, fmt, anonymised=False, report=None, actor, via="web"):
    """The workspace's case records (or one report's), raw or anonymised.
    Anonymised: its rows of the latest release (NoRelease before the first)."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    stem = f"{workspace.slug}-report-{report.pk}" if report else workspace.slug
    details = {
        "format": fmt,
        "anonymised": anonymised,
        "scope": "report" if report else "workspace",
        "via": via,
    }
    if anonymised:
        release = get_release()
        rows = released_rows(release, workspace=workspace, report=report)
        meta = release_meta(release)
        content = _render(rows, ANONYMISED_COLUMNS, fmt, anonymised=True, count=len(rows), **meta)
        details.update(rows=len(rows), release=release.number, k=meta["k"])
        out_rows, stem = len(rows), f"{stem}-anonymised-release-{release.number}"
    else:
        records = CaseRecord.objects.filter(report__workspace=workspace)
        if report is not None:
            records = records.filter(report=report)
        rows = list(records_rows(records))
        content = _render(rows, MEMBER_COLUMNS, fmt, workspace=workspace.slug, count=len(rows))
        details["rows"] = out_rows = len(rows)
        stem = f"{stem}-case-records"
    audit.record(
        actor,
        audit_actions.REPORT_EXPORTED,
        target=report or workspace,
        workspace=workspace,
        **details,
    )
    return Export(content, CONTENT_TYPES[fmt], _filename(stem, fmt), out_rows)


def export_published(*, fmt, release=None, actor=None, token=None, via="api"):
    """A release's anonymised rows (the latest unless given): what partner
    organisations receive. NoRelease before the first release."""
    release = release or get_release()
    rows = released_rows(release)
    content = _render(
        rows, ANONYMISED_COLUMNS, fmt, anonymised=True, count=len(rows), **release_meta(release)
    )
    audit_published_export(release, len(rows), fmt=fmt, actor=actor, token=token, via=via)
    return Export(
        content,
        CONTENT_TYPES[fmt],
        _filename(f"ferghana-network-anonymised-release-{release.number}", fmt),
        len(rows),
    )


def audit_published_export(release, rows, *, fmt, actor=None, token=None, via="api"):
    details = {
        "format": fmt,
        "anonymised": True,
        "scope": "network",
        "via": via,
        "rows": rows,
        "release": release.number,
        "k": release.parameters["k"],
    }
    if token is not None:
        details.update(token_prefix=token.prefix, organisation=token.organisation_id)
    audit.record(actor, audit_actions.REPORT_EXPORTED, target=token, **details)
