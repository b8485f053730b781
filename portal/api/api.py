"""/api/v1/: the network's data-exchange API (django-ninja; OpenAPI document at
/api/v1/openapi.json, interactive docs at /api/v1/docs).

- Public: statistics (the same figures as /statistics/), from the latest
  statistics release or the one asked for (``?release=<n>``).
- Partners (API token with the right scope): the anonymised, k-anonymous rows
  of the same release.
- Members (signed-in session): their workspaces' reports and case records, with
  the same rules as the web pages (404 for a workspace or report they cannot
  open). Read-only.
"""

from django.db.models import Count
from django.http import HttpResponse
from django.utils.http import http_date
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Router
from ninja.errors import AuthenticationError, HttpError

from portal.core.audience import audiences_for
from portal.core.policy import ActionRefused
from portal.members import audit
from portal.members.audience import is_network_member
from portal.members.models import Workspace
from portal.reports import audit_actions as report_actions
from portal.reports import corridors as corridor_views
from portal.reports import exports, services
from portal.reports.anonymity import ANONYMISED_COLUMNS, QUASI_IDENTIFIERS
from portal.reports.exchange import FORMAT_NAME, FORMAT_VERSION, MEMBER_COLUMNS, record_row
from portal.reports.models import MonitoringReport
from portal.reports.policy import readable_report, workspace_case_access
from portal.reports.releases import NoRelease, get_release, released_rows
from portal.reports.statistics import from_release
from portal.reports.summaries import record_count, report_totals

from . import limits
from .auth import MemberSession, PartnerToken
from .models import Scope
from .schemas import (
    AnonymisedExportOut,
    CasesPageOut,
    CorridorsOut,
    ErrorOut,
    ReportDetailOut,
    ReportOut,
    StatisticsOut,
    WorkspaceOut,
    release_out,
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


@api.exception_handler(ActionRefused)
def refused(request, exc):
    """A policy's refusal (portal.core.policy), with the status it chose."""
    return api.create_response(request, {"detail": exc.message}, status=exc.status)


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


def tables_out(tables):
    """Statistics tables as the API gives them: public releases and per-report
    totals share one shape (a suppressed cell has a null count)."""
    return [
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
        for table in tables
    ]


# --- Public ----------------------------------------------------------------------

public = Router(tags=["Public"])


RELEASE_HEADER = "X-Statistics-Release"
RELEASE_QUERY = Query(
    None,
    ge=1,
    le=2**31 - 1,
    description="Release number; the latest release when omitted.",
)


def _release(number):
    try:
        return get_release(number)
    except NoRelease:
        if number is None:
            raise HttpError(404, _("No statistics release has been published yet.")) from None
        raise HttpError(404, _("No such statistics release.")) from None


def _say_release(response, release):
    response[RELEASE_HEADER] = str(release.number)
    response["Last-Modified"] = http_date(release.published_at.timestamp())


@public.get(
    "/statistics",
    response={200: StatisticsOut, 404: ErrorOut},
    auth=None,
    summary="Public statistics",
)
def statistics(request, response: HttpResponse, release: int | None = RELEASE_QUERY):
    """Differentially private counts of a statistics release (reviewed case
    records of reports shared with the network, as of its date). ``count`` is
    null where the figure is below ``k``. The release's number is also in the
    ``X-Statistics-Release`` header."""
    published = _release(release)
    result = from_release(published)
    _say_release(response, published)
    return {
        "release": release_out(published),
        "k": result.k,
        "total": result.total,
        "tables": tables_out(result.tables),
    }


def _corridors_out(corridors):
    return [
        {
            "year": corridor.year,
            "citizenship": corridor.citizenship,
            "citizenship_name": str(corridor_views.country_label(corridor.citizenship)),
            "country": corridor.country,
            "country_name": str(corridor_views.country_label(corridor.country)),
            "count": corridor.count,
        }
        for corridor in corridors
    ]


@public.get(
    "/statistics/corridors",
    response={200: CorridorsOut, 404: ErrorOut},
    auth=None,
    summary="Corridors: citizenship to country of exploitation, by year",
)
def statistics_corridors(
    request,
    response: HttpResponse,
    release: int | None = RELEASE_QUERY,
    year: str | None = Query(
        None,
        pattern=r"^([0-9]{4}|earlier)$",
        description="A year of registration (or “earlier”); every year when omitted.",
    ),
):
    """The corridors of a statistics release (the same as /statistics/corridors/),
    with the partner networks' layers beside them. The release's number is also
    in the ``X-Statistics-Release`` header."""
    published = _release(release)
    result = from_release(published)
    try:
        view = corridor_views.corridor_view(result, year)
    except corridor_views.BadYear:
        raise HttpError(404, _("This release has no figures for that year.")) from None
    _say_release(response, published)
    return {
        "release": release_out(published),
        "k": view.k,
        "has_corridor_figures": view.has_corridor_figures,
        "year": view.year,
        "years": list(view.years),
        "corridors": _corridors_out(view.own),
        "partner_layers": [
            {
                "source": layer.source,
                "network": layer.network,
                "release_id": str(layer.release_id),
                "published_at": layer.published_at,
                "label": str(corridor_views.layer_label(layer)),
                "k": layer.k,
                "total": layer.total,
                "corridors": _corridors_out(layer.corridors),
            }
            for layer in view.layers
        ],
    }


# --- Partners --------------------------------------------------------------------

partners = Router(tags=["Partners"], auth=PartnerToken(Scope.ANONYMISED_CASES))


@partners.get(
    "/cases/anonymised",
    response={200: AnonymisedExportOut, **ERRORS},
    summary="Anonymised case records",
)
def anonymised_cases(request, response: HttpResponse, release: int | None = RELEASE_QUERY):
    """The k-anonymous rows of a statistics release (the latest unless asked),
    in HTCDS/CTDC column names."""
    published = _release(release)
    rows = released_rows(published)
    exports.audit_published_export(published, len(rows), fmt="json", token=request.auth)
    _say_release(response, published)
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "release": release_out(published),
        "k": published.parameters["k"],
        "quasi_identifiers": list(QUASI_IDENTIFIERS),
        "records": len(rows),
        "rows": [{column: row[column] for column in ANONYMISED_COLUMNS} for row in rows],
    }


@partners.get(
    "/cases/anonymised.csv",
    response={200: None, **ERRORS},
    summary="Anonymised case records (CSV)",
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def anonymised_cases_csv(request, release: int | None = RELEASE_QUERY):
    published = _release(release)
    export = exports.export_published(fmt="csv", release=published, token=request.auth)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"
    _say_release(response, published)
    return response


# --- Members ---------------------------------------------------------------------

members = Router(tags=["Members"], auth=MemberSession())


def _workspace(user, slug):
    workspace = Workspace.objects.for_user(user).filter(slug=slug).first()
    if workspace is None:
        raise HttpError(404, _("Not found."))
    return workspace


def _report_out(report, case_count, access, *, detail=False):
    records = record_count(case_count, access)
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
        "case_records": records.count,
        "case_records_fewer_than_k": records.suppressed,
        "updated_at": report.updated_at,
        "url": report.get_absolute_url(),
    }
    if detail:
        out["summary"] = report.summary
        out["totals"] = _totals_out(report_totals(report, access))
    return out


def _totals_out(totals):
    return {
        "k": totals.k,
        "exact": totals.exact,
        "tables": tables_out(totals.statistics.tables),
    }


def _readable_report(user, slug, report_id):
    # A report this person may not open does not exist for them: 404, as on the page.
    return readable_report(user, slug, report_id)


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
    access = workspace_case_access(request.auth, workspace)
    return [_report_out(report, report.case_count, access) for report in reports]


@members.get(
    "/workspaces/{slug}/reports/{report_id}",
    response={200: ReportDetailOut, **ERRORS},
    summary="One report",
)
def report_detail(request, slug: str, report_id: int):
    """Open to the workspace's members, and to network members when the report
    is shared with the network."""
    report, access = _readable_report(request.auth, slug, report_id)
    services.record_view(report, user=request.auth)
    return _report_out(report, report.cases.count(), access, detail=True)


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
    """Members of the workspace who work on the data (not observers), as for
    the raw export: others see the report's totals (``…/reports/{id}``), never
    its rows."""
    report, access = _readable_report(request.auth, slug, report_id)
    if not access.read_case_rows:
        raise HttpError(403, _("Case records are open to members who work on the data."))
    records = report.cases.order_by("pk")
    count = records.count()
    items = [record_row(record) for record in records[offset : offset + limit]]
    audit.record(
        request.auth,
        report_actions.REPORT_EXPORTED,
        target=report,
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
    tokens = audiences_for(request.auth)
    reports = (
        MonitoringReport.objects.visible_to(request.auth, tokens)
        .shared_with_network()
        .select_related("workspace")
        .annotate(case_count=Count("cases"))
    )
    access = {}
    out = []
    for report in reports:
        if report.workspace_id not in access:
            access[report.workspace_id] = workspace_case_access(
                request.auth, report.workspace, tokens
            )
        out.append(_report_out(report, report.case_count, access[report.workspace_id]))
    return out


api.add_router("/", public)
api.add_router("/", partners)
api.add_router("/", members)
