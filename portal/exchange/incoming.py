"""Releases from other portals: subscribe, pull, receive, verify, store.

Whatever arrives (pulled or pushed) goes through ``receive``:

1. the envelope is canonical JSON with an Ed25519 signature (signing.py);
2. the signer is a key we trust for the origin it names: pinned when
   subscribing, or endorsed by a trusted key since (keys.accept_keys); an
   unknown key makes us re-read the origin's keys once, never trust it blindly;
3. the payload matches the versioned format (formats.py, JSON Schema), so only
   coded fields are stored;
4. it is addressed to our agreement with that origin (``recipient``): a
   document made for another partner is refused;
5. its version is newer than the one we hold: a replay or an older version is
   refused (409), so nobody can roll a withdrawn release back.

A withdrawal keeps the provenance and drops the data. Every import and refusal
is audited.
"""

import json
import logging
import urllib.parse
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from portal.members import audit

from . import audit_actions, formats, http, signing
from .keys import accept_keys
from .models import ImportedRelease, Subscription

logger = logging.getLogger(__name__)

KEYS_PATH = "/.well-known/ferghana-exchange/keys.json"
API_PATH = "/api/v1/exchange/"


class Refused(Exception):
    """A document we do not store; ``status`` is the HTTP answer to a push."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = str(message)
        self.status = status


class SyncError(Exception):
    """Talking to the origin failed; the message says what to do."""


# --- HTTP ---------------------------------------------------------------------------


def _get(url, *, token=None, limit=signing.MAX_DOCUMENT_BYTES):
    try:
        return http.send(url, token=token, limit=limit)
    except http.Answered as error:
        raise SyncError(f"{url} answered {error.status}: {error.detail}") from None
    except http.Unreachable as error:
        raise SyncError(
            f"{url} could not be reached ({error}); the next sync tries again."
        ) from None


def _json(data, url):
    try:
        return json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SyncError(f"{url} did not answer with JSON.") from None


def normalise_origin(url):
    return url.strip().rstrip("/")


# --- Keys -----------------------------------------------------------------------------


def fetch_keys(origin_url):
    url = normalise_origin(origin_url) + KEYS_PATH
    document = _json(_get(url, limit=1024 * 1024), url)
    try:
        formats.validate_keys(document)
    except formats.InvalidDocument as error:
        raise SyncError(f"{url}: {error}") from None
    return document


def refresh_keys(subscription):
    """Re-read the origin's keys: keep the trusted ones it still publishes, add
    those a trusted key endorsed."""
    trusted = accept_keys(fetch_keys(subscription.origin_url), subscription.trusted_keys)
    if trusted != subscription.trusted_keys:
        subscription.trusted_keys = trusted
        subscription.save(update_fields=["trusted_keys"])
    return trusted


# --- Subscribing ------------------------------------------------------------------


def subscribe(*, name, origin_url, token, pinned_kid, actor=None):
    """Subscribe to an origin portal. ``pinned_kid`` is the origin's active key
    id, read to us out of band (a call, a letter): the first key is never
    taken on the word of the network it arrives through."""
    origin_url = normalise_origin(origin_url)
    pinned_kid = "".join(str(pinned_kid).split())
    document = fetch_keys(origin_url)
    entry = next((e for e in document["keys"] if e["kid"] == pinned_kid), None)
    if entry is None:
        raise SyncError(
            _(
                "The origin does not publish the key %(kid)s. Check the key id with the "
                "origin's coordinating office."
            )
            % {"kid": pinned_kid}
        )
    trusted = accept_keys(document, {pinned_kid: entry["x"]})
    if pinned_kid not in trusted:
        raise SyncError(_("The pinned key's id does not match its public key."))
    url = origin_url + API_PATH + "agreement"
    terms = _json(_get(url, token=token, limit=64 * 1024), url)
    try:
        agreement_uid = uuid.UUID(str(terms["uid"]))
    except (TypeError, KeyError, ValueError):
        raise SyncError(f"{url} did not say which agreement the token reads under.") from None
    subscription, _created = Subscription.objects.update_or_create(
        origin_url=origin_url,
        defaults={
            "name": name,
            "token": token,
            "agreement_uid": agreement_uid,
            "trusted_keys": trusted,
            "active": True,
        },
    )
    audit.record(
        actor,
        audit_actions.SUBSCRIBED,
        target=subscription,
        origin=origin_url,
        agreement=str(agreement_uid),
        kid=pinned_kid,
    )
    return subscription


# --- Receiving --------------------------------------------------------------------


def accepts_pushes():
    return Subscription.objects.filter(active=True).exists()


def _subscription_for(payload_origin):
    if not isinstance(payload_origin, str):
        return None
    return Subscription.objects.filter(
        origin_url=normalise_origin(payload_origin), active=True
    ).first()


def _refuse(subscription, message, status, *, origin="", release=None, version=None):
    audit.record(
        None,
        audit_actions.IMPORT_REFUSED,
        target=subscription,
        origin=origin or (subscription.origin_url if subscription else ""),
        release=release,
        release_version=version,
        reason=str(message)[:300],
    )
    raise Refused(message, status)


def receive(data, *, via, subscription=None):
    """Verify and store one signed document (bytes); the ImportedRelease, or Refused."""
    try:
        envelope = signing.parse_envelope(data)  # canonical form: checked after the signature
    except signing.BadDocument as error:
        _refuse(subscription, _("Not a signed release: %(error)s.") % {"error": error}, 400)
    # Not yet verified: anything may stand here, not only an object.
    origin = envelope["payload"].get("origin")
    claimed = origin.get("portal") if isinstance(origin, dict) else None
    subscription = subscription or _subscription_for(claimed)
    if subscription is None:
        _refuse(None, _("No subscription to this origin."), 403, origin=str(claimed)[:200])
    try:
        payload, kid = signing.verify_envelope(data, subscription.trusted_keys)
    except signing.BadDocument as error:
        _refuse(subscription, _("Not a signed release: %(error)s.") % {"error": error}, 400)
    except signing.BadSignature:
        # Perhaps the origin rotated its key since we last looked: re-read its
        # keys once (a rotation is endorsed by the old key), then decide.
        try:
            # At most once a minute per origin: a flood of forged pushes must
            # not turn into a flood of requests to the origin.
            if cache.add(f"exchange:keys-checked:{subscription.pk}", True, 60):
                refresh_keys(subscription)
            payload, kid = signing.verify_envelope(data, subscription.trusted_keys)
        except (signing.BadSignature, SyncError) as error:
            _refuse(subscription, _("Signature refused: %(error)s.") % {"error": error}, 403)
    try:
        formats.validate_payload(payload)
    except formats.InvalidDocument as error:
        _refuse(subscription, _("Not a valid release: %(error)s.") % {"error": error}, 400)
    if normalise_origin(payload["origin"]["portal"]) != subscription.origin_url:
        _refuse(subscription, _("The release names another origin."), 403)
    if str(subscription.agreement_uid) != payload["recipient"]:
        _refuse(subscription, _("The release was made for another recipient."), 403)
    try:
        return _store(subscription, payload, kid, data, via)
    except Refused as refused:
        if via == "pull":
            raise  # the origin's own feed met what a push already brought: not an attack
        # Audited here, after _store's rollback, which would take the record with it.
        release = payload["release"]
        _refuse(
            subscription,
            refused.message,
            refused.status,
            release=release["id"],
            version=release["version"],
        )


@transaction.atomic
def _store(subscription, payload, kid, data, via):
    release = payload["release"]
    held = (
        ImportedRelease.objects.select_for_update()
        .filter(subscription=subscription, release_id=release["id"])
        .first()
    )
    if held is not None and held.version >= release["version"]:
        what = _("a replay") if held.version == release["version"] else _("an older version")
        raise Refused(
            _("Version %(version)s of release %(release)s is %(what)s: we hold version %(held)s.")
            % {
                "version": release["version"],
                "release": release["id"],
                "what": what,
                "held": held.version,
            },
            409,
        )
    withdrawn = release["status"] == "withdrawn"
    fields = {
        "origin": subscription.origin_url,
        "organisation": payload["origin"]["organisation"],
        "network": payload["origin"]["network"],
        "version": release["version"],
        "tier": payload["tier"],
        "published_at": parse_datetime(release["published_at"]),
        "signer_kid": kid,
        "received_at": timezone.now(),
        "digest": signing.digest(bytes(data)),
        "withdrawn_at": parse_datetime(release["withdrawn_at"]) if withdrawn else None,
        # A withdrawal carries no data; what was held before is dropped with it.
        "payload": payload,
    }
    imported, _created = ImportedRelease.objects.update_or_create(
        subscription=subscription, release_id=release["id"], defaults=fields
    )
    audit.record(
        None,
        audit_actions.RELEASE_IMPORTED,
        target=subscription,
        origin=subscription.origin_url,
        release=release["id"],
        release_version=release["version"],
        kid=kid,
        records=len(payload.get("records", ())),
        reason=release.get("reason", "") if withdrawn else "",
        tier=payload["tier"],
    )
    return imported


# --- Pulling -----------------------------------------------------------------------


def _feed_events(answer, url):
    """The feed's events, checked for the fields a pull uses (the origin is
    trusted for its signatures, not for the shape of its answers)."""
    events = answer.get("events") if isinstance(answer, dict) else None
    if not isinstance(events, list):
        raise SyncError(f"{url} is not a release feed.")
    checked = []
    for event in events:
        try:
            checked.append(
                {
                    "cursor": int(event["cursor"]),
                    "release": int(event["release"]),
                    "version": int(event["version"]),
                    "kind": str(event["kind"])[:20],
                    "document": str(event["document"])[:200],
                }
            )
        except (TypeError, KeyError, ValueError):
            raise SyncError(f"{url} lists an event without its cursor or document.") from None
    return checked


@dataclass
class PullOutcome:
    events: int = 0
    imported: int = 0
    withdrawn: int = 0
    skipped: int = 0


def pull(subscription, *, progress=None, page=None):
    """Read the origin's feed from our cursor to its end; the cursor is saved
    after every event, so an interrupted pull resumes where it stopped."""
    say = progress or (lambda message: None)
    page = page or settings.EXCHANGE_FEED_PAGE
    base = subscription.origin_url + API_PATH
    outcome = PullOutcome()
    try:
        refresh_keys(subscription)
        more = True
        while more:
            query = urllib.parse.urlencode({"after": subscription.cursor, "limit": page})
            url = f"{base}feed?{query}"
            answer = _json(_get(url, token=subscription.token, limit=4 * 1024 * 1024), url)
            events = _feed_events(answer, url)
            more = bool(answer.get("more")) and bool(events)
            for event in events:
                outcome.events += 1
                document_url = base + str(event["document"]).lstrip("/")
                if not document_url.startswith(base):
                    raise SyncError(f"The feed points outside the origin: {document_url[:200]}")
                data = _get(document_url, token=subscription.token)
                try:
                    imported = receive(data, via="pull", subscription=subscription)
                except Refused as refused:
                    if refused.status != 409:
                        raise SyncError(refused.message) from None
                    outcome.skipped += 1  # already held: nothing to do
                else:
                    if imported.withdrawn_at:
                        outcome.withdrawn += 1
                    else:
                        outcome.imported += 1
                subscription.cursor = event["cursor"]
                subscription.save(update_fields=["cursor"])
                say(
                    f"  release {event['release']} v{event['version']} ({event['kind']}): "
                    f"{outcome.events} events read"
                )
    except SyncError as error:
        subscription.last_error = str(error)[:500]
        subscription.save(update_fields=["last_error"])
        raise
    subscription.last_sync_at = timezone.now()
    subscription.last_error = ""
    subscription.save(update_fields=["last_sync_at", "last_error"])
    return outcome


def pull_all(*, progress=None):
    """Pull every active subscription; one failing origin does not stop the others."""
    results = {}
    for subscription in Subscription.objects.filter(active=True):
        try:
            results[subscription.name] = pull(subscription, progress=progress)
        except SyncError as error:
            logger.warning("exchange: pulling %s failed: %s", subscription.origin_url, error)
            results[subscription.name] = error
    return results
