"""/api/v1/: the network's data-exchange API (django-ninja; OpenAPI document at
/api/v1/openapi.json, interactive docs at /api/v1/docs).

- Public: statistics (the same figures as /statistics/).
- Partners (API token with the right scope): the anonymised, k-anonymous export.
- Members (signed-in session): their workspaces' reports and case records, with
  the same rules as the web pages (404 for a workspace or report they cannot
  open). Read-only.
"""

from django.db.models import Count
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Router
from ninja.errors import AuthenticationError, HttpError

from portal.members import audit
from portal.members.audience import audiences_for, is_network_member
from portal.members.models import Workspace
from portal.reports import exports, services
from portal.reports.anonymity import ANONYMISED_COLUMNS, QUASI_IDENTIFIERS
from portal.reports.exchange import FORMAT_NAME, FORMAT_VERSION, MEMBER_COLUMNS, record_row
from portal.reports.models import MonitoringReport
from portal.reports.policy import report_access
from portal.reports.statistics import public_statistics, published_release

from . import limits
from .auth import MemberSession, PartnerToken
from .models import Scope
from .schemas import (
    AnonymisedExportOut,
    CasesPageOut,
    ErrorOut,
    ReportDetailOut,
    ReportOut,
    StatisticsOut,
    WorkspaceOut,
)


class PortalAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        return limits.document_429(schema, "#/components/schemas/ErrorOut")


api = PortalAPI(
    title="Ferghana Network Portal API",
    version="1",
    urls_namespace="api-v1",
    description=__doc__,
)


@api.exception_handler(AuthenticationError)
def unauthorised(request, exc):
    response = api.create_response(request, {"detail": _("Authentication required.")}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(limits.RateLimited)
def too_many_requests(request, exc):
    response = api.create_response(request, {"detail": exc.message}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


api.add_decorator(limits.address_gate(too_many_requests), mode="view")

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}

# Far beyond any report's records, yet inside PostgreSQL's bigint: a larger
# OFFSET is a database error (a 500), so it is refused as a bad query (422).
MAX_OFFSET = 10_000_000

# --- Public ----------------------------------------------------------------------

public = Router(tags=["Public"])


@public.get("/statistics", response=StatisticsOut, auth=None, summary="Public statistics")
def statistics(request):
    """Counts from reviewed case records of reports shared with the network.
    ``count`` is null where fewer than ``k`` records fall in a cell."""
    result = public_statistics()
    return {
        "k": result.k,
        "total": result.total,
        "tables": [
            {
                "key": table.key,
                "title": str(table.title),
                "cells": [
                    {
                        "code": cell.code,
                        "label": str(label),
                        "count": cell.count,
                        "fewer_than_k": cell.suppressed,
                    }
                    for cell, label in table.labelled()
                ],
            }
            for table in result.tables
        ],
    }


# --- Partners --------------------------------------------------------------------

partners = Router(tags=["Partners"], auth=PartnerToken(Scope.ANONYMISED_CASES))


@partners.get(
    "/cases/anonymised",
    response={200: AnonymisedExportOut, **ERRORS},
    summary="Anonymised case records",
)
def anonymised_cases(request):
    """The k-anonymous release of the network's reviewed, shared case records,
    in HTCDS/CTDC column names. The public statistics are its aggregates."""
    release = published_release()
    exports.audit_published_export(release, fmt="json", token=request.auth, request=request)
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "k": release.k,
        "quasi_identifiers": list(QUASI_IDENTIFIERS),
        "records": release.records_out,
        "rows": [{column: row[column] for column in ANONYMISED_COLUMNS} for row in release.rows],
    }


@partners.get(
    "/cases/anonymised.csv",
    response={200: None, **ERRORS},
    summary="Anonymised case records (CSV)",
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def anonymised_cases_csv(request):
    export = exports.export_published(fmt="csv", token=request.auth, request=request)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --- Members ---------------------------------------------------------------------

members = Router(tags=["Members"], auth=MemberSession())


def _workspace(user, slug):
    workspace = Workspace.objects.for_user(user).filter(slug=slug).first()
    if workspace is None:
        raise HttpError(404, _("Not found."))
    return workspace


def _report_out(report, case_count, *, detail=False):
    out = {
        "id": report.pk,
        "workspace": report.workspace.slug,
        "title": report.title,
        "period_start": report.period_start,
        "period_end": report.period_end,
        "country": report.country,
        "region": report.region,
        "status": report.status,
        "audience": report.audience,
        "case_records": case_count,
        "updated_at": report.updated_at,
        "url": report.get_absolute_url(),
    }
    if detail:
        out["summary"] = report.summary
    return out


def _readable_report(user, slug, report_id):
    report = (
        MonitoringReport.objects.select_related("workspace")
        .filter(pk=report_id, workspace__slug=slug)
        .first()
    )
    access = report_access(user, report) if report else None
    if report is None or not access.view:
        raise HttpError(404, _("Not found."))
    return report, access


@members.get("/workspaces", response={200: list[WorkspaceOut], **ERRORS}, summary="My workspaces")
def my_workspaces(request):
    return [
        {"slug": w.slug, "name": w.name, "url": w.get_absolute_url()}
        for w in Workspace.objects.for_user(request.auth)
    ]


@members.get(
    "/workspaces/{slug}/reports",
    response={200: list[ReportOut], **ERRORS},
    summary="Reports of a workspace",
)
def workspace_reports(request, slug: str):
    workspace = _workspace(request.auth, slug)
    reports = (
        MonitoringReport.objects.filter(workspace=workspace)
        .select_related("workspace")
        .annotate(case_count=Count("cases"))
    )
    return [_report_out(report, report.case_count) for report in reports]


@members.get(
    "/workspaces/{slug}/reports/{report_id}",
    response={200: ReportDetailOut, **ERRORS},
    summary="One report",
)
def report_detail(request, slug: str, report_id: int):
    """Open to the workspace's members, and to network members when the report
    is shared with the network."""
    report, _access = _readable_report(request.auth, slug, report_id)
    services.record_view(report, user=request.auth, request=request)
    return _report_out(report, report.cases.count(), detail=True)


@members.get(
    "/workspaces/{slug}/reports/{report_id}/cases",
    response={200: CasesPageOut, **ERRORS},
    summary="Case records of a report",
)
def report_cases(
    request,
    slug: str,
    report_id: int,
    limit: int = Query(500, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    """Workspace members only: network members see a shared report's totals on
    its page, never its rows."""
    report, access = _readable_report(request.auth, slug, report_id)
    if not access.member:
        raise HttpError(403, _("Case records are open to members of the workspace only."))
    records = report.cases.order_by("pk")
    count = records.count()
    items = [record_row(record) for record in records[offset : offset + limit]]
    audit.record(
        request.auth,
        audit.REPORT_EXPORTED,
        target=report,
        request=request,
        format="json",
        anonymised=False,
        scope="report",
        via="api",
        rows=len(items),
    )
    return {
        "count": count,
        "limit": limit,
        "offset": offset,
        "items": [{column: row[column] for column in MEMBER_COLUMNS} for row in items],
    }


@members.get(
    "/network/reports",
    response={200: list[ReportOut], **ERRORS},
    summary="Reports shared with the network",
)
def network_reports(request):
    if not is_network_member(request.auth):
        raise HttpError(403, _("Open to people of verified member organisations."))
    reports = (
        MonitoringReport.objects.visible_to(request.auth, audiences_for(request.auth))
        .shared_with_network()
        .select_related("workspace")
        .annotate(case_count=Count("cases"))
    )
    return [_report_out(report, report.case_count) for report in reports]


api.add_router("/", public)
api.add_router("/", partners)
api.add_router("/", members)
