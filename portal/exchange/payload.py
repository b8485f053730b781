"""What one partner receives of one release: the payload its agreement allows.

A payload is built for one agreement (its tier, countries and years, and its
id as the ``recipient``, so a document sent to one partner cannot be replayed
to another as if it were theirs). The same release, agreement and version
always give the same bytes: figures and rows are read from the stored release,
never recomputed, and Ed25519 signatures are deterministic.

Records stay k-anonymous after the agreement's filter: the filter looks only at
quasi-identifier values (citizenship, country of exploitation, year), so it
keeps or drops whole groups of identical combinations, never part of one.
"""

from django.conf import settings

from portal.reports.anonymity import ANONYMISED_COLUMNS, WITHHELD
from portal.reports.releases import released_rows

from .keys import moment
from .models import EventKind, Tier

FORMAT = "fnp-exchange-release"
VERSION = 1
CORRIDOR = "corridor"


def origin():
    return {
        "portal": settings.PORTAL_BASE_URL.rstrip("/"),
        "network": settings.EXCHANGE_NETWORK_NAME,
        "organisation": settings.EXCHANGE_ORGANISATION_NAME,
    }


def _year_in(value, agreement):
    try:
        year = int(value)
    except (TypeError, ValueError):
        return False  # withheld or earlier years: outside any agreed range
    return agreement.year_from <= year <= agreement.year_to


def _country_in(row, countries):
    return row.get("citizenship") in countries or row.get("CountryOfExploitation") in countries


def aggregates(release, agreement):
    """The release's public figures, and the corridors touching the agreed
    countries within the agreed years (the single tables are public already)."""
    countries = set(agreement.countries)
    tables, corridors = [], []
    for table in release.tables:
        if table["key"] == CORRIDOR:
            corridors = [
                {
                    "year": str(cell["year"]),
                    "citizenship": cell["citizenship"],
                    "country": cell["country"],
                    "count": cell["count"],
                }
                for cell in table["cells"]
                if _year_in(cell["year"], agreement)
                and (cell["citizenship"] in countries or cell["country"] in countries)
            ]
        else:
            tables.append(
                {
                    "key": table["key"],
                    "cells": [
                        {"code": str(cell["code"]), "count": cell["count"]}
                        for cell in table["cells"]
                    ],
                }
            )
    return {"total": release.total, "tables": tables, "corridors": corridors}


def records(release, agreement):
    countries = set(agreement.countries) - {WITHHELD, ""}
    return [
        {column: row[column] for column in ANONYMISED_COLUMNS}
        for row in released_rows(release)
        if _country_in(row, countries) and _year_in(row.get("yearOfRegistration"), agreement)
    ]


def tier_for(release, agreement):
    """Records only when the agreement says so and the release was anonymised
    with at least the agreed k; otherwise the aggregates alone."""
    k = int(release.parameters.get("k") or 0)
    if agreement.tier == Tier.RECORDS and k >= agreement.min_k:
        return Tier.RECORDS
    return Tier.AGGREGATES


def build(event, agreement):
    """The payload of ``event`` (the release's state at that version) for ``agreement``."""
    release = event.release
    withdrawn = event.kind == EventKind.WITHDRAWN
    tier = tier_for(release, agreement)
    parameters = release.parameters or {}
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "origin": origin(),
        "recipient": str(agreement.uid),
        "release": {
            "id": release.number,
            "version": event.version,
            "status": event.kind,
            "published_at": moment(release.published_at),
            "withdrawn_at": moment(event.at) if withdrawn else None,
            "reason": event.reason if withdrawn else "",
        },
        "method": {
            "name": release.method,
            "k": int(parameters.get("k") or 0),
            "epsilon": parameters.get("epsilon"),
            "noise": parameters.get("noise", ""),
        },
        "tier": str(tier),
        "scope": {
            "countries": sorted(agreement.countries),
            "year_from": agreement.year_from,
            "year_to": agreement.year_to,
        },
    }
    if not withdrawn:
        payload["aggregates"] = aggregates(release, agreement)
        if tier == Tier.RECORDS:
            payload["records"] = records(release, agreement)
    return payload
