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

from . import formats
from .keys import moment
from .models import EventKind, Tier

FORMAT = "fnp-exchange-release"
VERSION = 1


def origin():
    return {
        "portal": settings.PORTAL_BASE_URL.rstrip("/"),
        "network": settings.EXCHANGE_NETWORK_NAME,
        "organisation": settings.EXCHANGE_ORGANISATION_NAME,
    }


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
        scope = (agreement.countries, agreement.year_from, agreement.year_to)
        payload["aggregates"] = formats.aggregates_from_release(release, *scope)
        if tier == Tier.RECORDS:
            payload["records"] = formats.records_from_release(release, *scope)
    return payload
