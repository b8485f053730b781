"""Retention: how long each kind of restricted data is kept, and its purge.

Each app registers the kinds it stores from its AppConfig.ready()::

    from portal.core import retention
    retention.register(retention.RetentionKind(
        code="reports",
        label=_("Monitoring reports with their case records"),
        closed=_("last change to the report or one of its case records"),
        expired=expired_reports,     # expired(cutoff) -> queryset, held ones excluded
        purge=purge_report,          # purge(obj) -> [(storage, name), ...] files removed
        held=report_is_held,         # held(obj) -> bool, asked again under the row lock
    ))

``expired(cutoff)`` returns the objects whose closing moment (what "closed"
means is the kind's own: ``closed`` says it in words) is older than
``cutoff`` and that are not under a legal hold; ``purge(obj)`` deletes one
object with everything attached and returns the private files it removed, so
the purge can check each is really gone from the disk; ``held(obj)`` is asked
again under the row lock, so a hold set while the purge runs still wins.

How long: ``settings.PORTAL_RETENTION_DAYS[code]`` (days after closure). A kind
without a period is never purged: forgetting a setting keeps data rather than
destroying it.

The tombstone (what was purged, by which rule; never its content) is written
by the app that owns the audit log, through ``set_tombstone_writer``: core
knows no app. The purge refuses to run without one.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from .registries import register_once

logger = logging.getLogger("portal.retention")


@dataclass(frozen=True)
class RetentionKind:
    code: str
    label: str
    closed: str
    expired: object
    purge: object
    held: object


_kinds = {}
_tombstone = []


def register(kind):
    return register_once(_kinds, kind.code, kind, what="retention kind")


def kinds():
    return list(_kinds.values())


def get(code):
    return _kinds[code]


_keepers = {}


def keep_while(code, still_needed):
    """Another app's reason to keep objects of kind ``code`` past their
    period: ``still_needed(queryset)`` returns the ones it still refers to
    (an archived workspace that referrals of another organisation name).
    They are purged on a later run, once nothing needs them."""
    _keepers.setdefault(code, []).append(still_needed)


def expired(kind, cutoff):
    """The kind's expired objects, less those another app still needs."""
    candidates = kind.expired(cutoff)
    for still_needed in _keepers.get(kind.code, ()):
        candidates = candidates.exclude(pk__in=still_needed(candidates).values("pk"))
    return candidates


def set_tombstone_writer(writer):
    """``writer(obj, *, kind, days, closed_before)`` appends the audit event
    for one purged object; it runs inside the object's transaction."""
    if _tombstone and _tombstone[0] is not writer:
        raise ImproperlyConfigured("a retention tombstone writer is already set")
    _tombstone[:] = [writer]


def period_days(code):
    """Days a kind is kept after closure, or None: never purged."""
    days = getattr(settings, "PORTAL_RETENTION_DAYS", {}).get(code)
    return int(days) if days else None


def cutoff(code, now=None):
    days = period_days(code)
    if days is None:
        return None
    return (now or timezone.now()) - timedelta(days=days)


@dataclass
class Outcome:
    code: str
    days: int | None
    found: int = 0
    purged: int = 0
    skipped: int = 0  # held, or no longer expired, when its turn came
    leftover_files: int = 0
    failed: int = 0  # an error rolled the object back; it is tried again next run


class StillOnDisk(Exception):
    pass


def purge_one(kind, pk, *, now=None):
    """Purge one object in its own transaction. True when purged, False when
    it is gone, held or no longer expired by now (another run, a new hold, an
    edit): safe to run twice and to interrupt anywhere."""
    if not _tombstone:
        raise ImproperlyConfigured("no retention tombstone writer: purging would leave no trace")
    limit = cutoff(kind.code, now)
    if limit is None:
        return False
    with transaction.atomic():
        candidates = expired(kind, limit)
        # Lock the row itself (the kind's query may aggregate, which cannot be
        # locked), then ask again: expired and not held, now.
        obj = candidates.model._default_manager.select_for_update().filter(pk=pk).first()
        if obj is None or not candidates.filter(pk=pk).exists() or kind.held(obj):
            return False
        _tombstone[0](obj, kind=kind.code, days=period_days(kind.code), closed_before=limit)
        removed = list(kind.purge(obj) or ())
        # Blobs go before the commit: a crash after the commit would otherwise
        # leave a file no row points to, kept forever. A rollback after this
        # leaves a row without its file, which the next run purges again.
        for storage, name in removed:
            storage.delete(name)
    still = [name for storage, name in removed if storage.exists(name)]
    if still:
        logger.error("retention: %s %s purged but files remain: %s", kind.code, pk, still)
        raise StillOnDisk(still)
    return True


def purge_expired(*, dry_run=False, now=None, progress=None, codes=None):
    """Purge every expired object of every registered kind (or ``codes``);
    returns an Outcome per kind. ``progress(outcome)`` after each kind."""
    now = now or timezone.now()
    outcomes = []
    for kind in kinds():
        if codes and kind.code not in codes:
            continue
        outcome = Outcome(kind.code, period_days(kind.code))
        limit = cutoff(kind.code, now)
        if limit is not None:
            pks = list(expired(kind, limit).order_by("pk").values_list("pk", flat=True))
            outcome.found = len(pks)
            if not dry_run:
                for pk in pks:
                    try:
                        done = purge_one(kind, pk, now=now)
                    except StillOnDisk:
                        outcome.leftover_files += 1
                        done = True
                    except ImproperlyConfigured:
                        raise
                    except Exception:
                        # One object that cannot go must not keep every later one
                        # (and every later day's) past its period: rolled back,
                        # logged, counted, retried on the next run.
                        logger.exception("retention: could not purge %s %s", kind.code, pk)
                        outcome.failed += 1
                        continue
                    if done:
                        outcome.purged += 1
                    else:
                        outcome.skipped += 1
        outcomes.append(outcome)
        if progress:
            progress(outcome)
    return outcomes
