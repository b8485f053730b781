"""Response shapes of /api/v1/ (they become the OpenAPI document)."""

import datetime

from ninja import Schema
from pydantic import Field, create_model

from portal.reports.anonymity import ANONYMISED_COLUMNS, QUASI_IDENTIFIERS
from portal.reports.exchange import MEMBER_COLUMNS


def _column_type(column, anonymised):
    if column in ("recordId", "reportId"):
        return int
    if column == "yearOfRegistration":
        return int | str if anonymised else int
    if column.startswith(("is", "typeOfLabour", "meansOfControl", "recruiterRelation")) and not (
        column.endswith("Concatenated")
    ):
        return int
    return str


def _row_model(name, columns, anonymised):
    fields = {}
    for column in columns:
        description = (
            "Quasi-identifier; “withheld” where the value was suppressed for k-anonymity."
            if anonymised and column in QUASI_IDENTIFIERS
            else None
        )
        fields[column] = (_column_type(column, anonymised), Field(description=description))
    return create_model(name, **fields)


CaseRecordOut = _row_model("CaseRecordOut", MEMBER_COLUMNS, anonymised=False)
AnonymisedRecordOut = _row_model("AnonymisedRecordOut", ANONYMISED_COLUMNS, anonymised=True)


class ReleaseOut(Schema):
    number: int
    published_at: datetime.datetime
    method: str
    epsilon: float = Field(description="Privacy budget of the release's figures.")


def release_out(release):
    return {
        "number": release.number,
        "published_at": release.published_at,
        "method": release.method,
        "epsilon": release.parameters["epsilon"],
    }


class AnonymisedExportOut(Schema):
    format: str
    version: int
    release: ReleaseOut
    k: int = Field(description="Every combination of quasi-identifiers occurs at least k times.")
    quasi_identifiers: list[str]
    records: int
    rows: list[AnonymisedRecordOut]


class CellOut(Schema):
    code: str
    label: str
    count: int | None = Field(
        description="Differentially private count; None when below k (not published)."
    )
    fewer_than_k: bool


class TableOut(Schema):
    key: str
    title: str
    cells: list[CellOut]


class StatisticsOut(Schema):
    release: ReleaseOut
    k: int
    total: int | None = Field(
        description="Differentially private count; None when below k (not published)."
    )
    tables: list[TableOut]


class CorridorOut(Schema):
    year: str = Field(description="Year of registration, or “earlier” (before the listed years).")
    citizenship: str = Field(description="ISO 3166 alpha-2, “OTHER”, or empty when unknown.")
    citizenship_name: str
    country: str = Field(description="Country of exploitation, the same codes.")
    country_name: str
    count: int | None = Field(
        description="Differentially private count; None when below k (not published)."
    )


class PartnerLayerOut(Schema):
    source: str = Field(description="Where the partner network's release came from.")
    network: str
    release_id: str
    published_at: datetime.datetime | datetime.date | None
    label: str = Field(description="How the page labels this layer.")
    k: int | None
    total: int | None
    corridors: list[CorridorOut]


class CorridorsOut(Schema):
    release: ReleaseOut
    k: int = Field(
        description="The smallest figure a corridor is shown with: the release's k, or its "
        "higher corridor threshold (set so that made-up corridors stay rare)."
    )
    has_corridor_figures: bool = Field(
        description="False for a release published before corridors were counted."
    )
    year: str | None = Field(description="The year asked for; None: every year.")
    years: list[str] = Field(description="The years with figures, newest first.")
    corridors: list[CorridorOut] = Field(
        description="The corridors shown (count at least k); any corridor not listed had "
        "fewer than k case records (after noise)."
    )
    partner_layers: list[PartnerLayerOut] = Field(
        description="Partner networks' figures, each labelled with its source and release; "
        "never added to this network's."
    )


class WorkspaceOut(Schema):
    slug: str
    name: str
    url: str


class ReportOut(Schema):
    id: int
    workspace: str
    title: str
    period_start: datetime.date
    period_end: datetime.date
    country: str
    region: str
    status: str
    audience: str
    case_records: int | None = Field(
        description="The report's number of case records; None when fewer than k and "
        "you may not read the report's rows (the public statistics' small-cell rule)."
    )
    case_records_fewer_than_k: bool
    updated_at: datetime.datetime
    url: str


class ReportTotalsOut(Schema):
    k: int = Field(description="0 when the figures are exact (you may read the rows).")
    exact: bool
    tables: list[TableOut]


class ReportDetailOut(ReportOut):
    summary: str
    totals: ReportTotalsOut = Field(
        description="The totals the report's page shows you: exact for people who may read "
        "its rows, otherwise k-anonymised with every cell under k as count None."
    )


class ErrorOut(Schema):
    detail: str


class CasesPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[CaseRecordOut]
