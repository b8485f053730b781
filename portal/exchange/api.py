"""/api/v1/exchange/: signed releases for partners under an agreement, and the
inbox where an origin portal pushes its releases to this one.

- ``GET agreement``, ``GET feed?after=<cursor>``, ``GET releases/{n}/{version}``:
  a partner's token with the scope ``exchange:releases`` and an agreement in
  force; otherwise 401 (no or bad token), 403 (no scope, or the agreement is
  not in force: nothing leaves outside one).
- ``POST inbox``: no token. The document authenticates itself: it must be
  signed by a key this portal trusts for a subscribed origin, and addressed to
  our agreement with that origin.
"""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from portal.api.auth import PartnerToken
from portal.api.models import Scope
from portal.api.schemas import ErrorOut
from portal.members import audit

from . import audit_actions, formats, incoming, outgoing, signing
from .keys import moment

router = Router(tags=["Exchange"])
partner = PartnerToken(Scope.EXCHANGE)
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
MAX_VERSION = 2**31 - 1


class AgreementOut(Schema):
    uid: str
    title: str
    partner: str
    tier: str
    min_k: int
    countries: list[str]
    year_from: int
    year_to: int
    starts_on: str
    ends_on: str


class EventOut(Schema):
    cursor: int
    release: int
    version: int
    kind: str
    at: str
    document: str


class FeedOut(Schema):
    agreement: str
    events: list[EventOut]
    next: int
    more: bool


class InboxOut(Schema):
    release: int
    version: int
    status: str


@router.get("/agreement", response={200: AgreementOut, **ERRORS}, auth=partner)
def agreement(request):
    """The terms this token reads under."""
    terms = outgoing.agreement_for_token(request.auth)
    return {
        "uid": str(terms.uid),
        "title": terms.title,
        "partner": terms.partner.name,
        "tier": terms.tier,
        "min_k": terms.min_k,
        "countries": sorted(terms.countries),
        "year_from": terms.year_from,
        "year_to": terms.year_to,
        "starts_on": terms.starts_on.isoformat(),
        "ends_on": terms.ends_on.isoformat(),
    }


@router.get("/feed", response={200: FeedOut, **ERRORS}, auth=partner)
def feed(
    request,
    after: int = Query(
        0, ge=0, le=2**63 - 1, description="The last cursor read; 0 from the start."
    ),
    limit: int = Query(100, ge=1, le=1000),
):
    """The release log after ``after``, oldest first. Read until ``more`` is
    false, keeping ``next`` as the cursor: a pull that stops halfway resumes
    where it stopped."""
    terms = outgoing.agreement_for_token(request.auth)
    events, cursor, more = outgoing.feed(terms, after=after, limit=limit)
    audit.record(
        None,
        audit_actions.FEED_READ,
        target=terms,
        agreement=str(terms.uid),
        cursor=after,
        events=len(events),
    )
    return {
        "agreement": str(terms.uid),
        "events": [
            {
                "cursor": event.id,
                "release": event.release.number,
                "version": event.version,
                "kind": event.kind,
                "at": moment(event.at),
                "document": f"releases/{event.release.number}/{event.version}",
            }
            for event in events
        ],
        "next": cursor,
        "more": more,
    }


@router.get(
    "/releases/{number}/{version}",
    response={200: None, **ERRORS, 410: ErrorOut},
    auth=partner,
    summary="A signed release document",
    openapi_extra={
        "responses": {
            200: {
                "description": "The signed envelope, RFC 8785 canonical JSON.",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        }
    },
)
def release_document(request, number: int, version: int):
    """One version of a release as this agreement allows it, signed. Verify it
    byte for byte (README, "Verifying a release")."""
    terms = outgoing.agreement_for_token(request.auth)
    if not (0 < number <= MAX_VERSION and 0 < version <= MAX_VERSION):
        raise HttpError(404, _("No such release version."))
    event = outgoing.event_for(number, version)
    data, kid, records = outgoing.signed_document(event, terms)
    outgoing.audit_sent(event, terms, kid=kid, records=records, via="pull")
    response = HttpResponse(data, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


CSV_FILES = ("aggregates", "corridors", "records")


@router.get(
    "/releases/{number}/{version}/{name}.csv",
    response={200: None, **ERRORS},
    auth=partner,
    summary="A release's data as CSV",
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def release_csv(request, number: int, version: int, name: str):
    """The same data as the signed document, as CSV (``aggregates``,
    ``corridors`` or, in the records tier, ``records``). CSV carries no
    signature: the ``X-Release-Digest`` header is the SHA-256 of the signed
    JSON document of the same release, version and agreement, to tie the two."""
    terms = outgoing.agreement_for_token(request.auth)
    if name not in CSV_FILES or not (0 < number <= MAX_VERSION and 0 < version <= MAX_VERSION):
        raise HttpError(404, _("No such file."))
    event = outgoing.event_for(number, version)
    data, kid, records, body = outgoing.signed_with_payload(event, terms)
    files = formats.payload_csv(body)
    if f"{name}.csv" not in files:
        raise HttpError(404, _("This release version has no such data for this agreement."))
    outgoing.audit_sent(event, terms, kid=kid, records=records, via="pull")
    response = HttpResponse(files[f"{name}.csv"], content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="release-{number}-v{version}-{name}.csv"'
    )
    response["X-Release-Digest"] = signing.digest(data)
    response["Cache-Control"] = "no-store"
    return response


@router.post(
    "/inbox",
    response={200: InboxOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut, 413: ErrorOut},
    auth=None,
    summary="Receive a pushed release",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
def inbox(request):
    """An origin portal pushes a signed release here. 200: stored (or already
    held, same version); 409: an older version than the one held, or a replay;
    403: not signed by a trusted key, or not addressed to us; 400: not a
    valid document."""
    if not incoming.accepts_pushes():
        raise HttpError(403, _("This portal follows no other portal."))
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    # Refused before reading: a large body would otherwise sit in memory.
    if declared > signing.MAX_DOCUMENT_BYTES:
        raise HttpError(413, _("The document is too large."))
    data = request.read(signing.MAX_DOCUMENT_BYTES + 1)
    if len(data) > signing.MAX_DOCUMENT_BYTES:
        raise HttpError(413, _("The document is too large."))
    try:
        imported = incoming.receive(data, via="push")
    except incoming.Refused as refused:
        raise HttpError(refused.status, refused.message) from None
    return {
        "release": imported.release_id,
        "version": imported.version,
        "status": "withdrawn" if imported.withdrawn_at else "published",
    }
