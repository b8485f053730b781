"""The durable outbox: what to index, processed after commit and retried.

``enqueue`` runs inside the transaction of the change (from signal receivers),
so the note "this object may have changed" commits or rolls back with it.
Right after the commit the same process tries to apply it (``on_commit``); if
Elasticsearch does not answer, the row stays with its error and a backoff, and
the worker (``manage.py search_index worker``) or ``sync`` applies it later.

Processing never trusts what the change looked like: it re-reads the object
and indexes what the database says now (or deletes the document). Rows are
claimed with a short lease, and only removed when nothing was enqueued for the
same object meanwhile.
"""

import functools
import logging
import operator
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import index, mirror
from .client import ELASTICSEARCH_ERRORS, circuit, get_client
from .entries import InvalidEntry, clean, doc_id
from .models import PendingIndexOperation
from .objects import owns, source_queryset
from .registry import SearchSource, registry
from .versions import next_version

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
RETRY_BASE_SECONDS = 5
ENQUEUE_CHUNK = 1000


class StaleRead(Exception):
    """Processing took so long that its data may predate a deletion the index
    no longer remembers; the rows are read again instead."""


def enqueue(keys, *, process=True):
    """Note that the documents of ``keys`` ((kind, object_id) pairs) may be out
    of date; with ``process``, try to apply it right after the commit."""
    keys = sorted({(kind, str(object_id)) for kind, object_id in keys})
    if not keys:
        return
    now = timezone.now()
    # Sorted, so two transactions queueing the same objects lock rows in the
    # same order and cannot deadlock.
    for start in range(0, len(keys), ENQUEUE_CHUNK):
        PendingIndexOperation.objects.bulk_create(
            [
                PendingIndexOperation(
                    kind=kind,
                    object_id=object_id,
                    token=uuid.uuid4(),
                    enqueued_at=now,
                    last_enqueued_at=now,
                    next_attempt_at=now,
                )
                for kind, object_id in keys[start : start + ENQUEUE_CHUNK]
            ],
            update_conflicts=True,
            unique_fields=["kind", "object_id"],
            update_fields=["token", "last_enqueued_at", "next_attempt_at"],
        )
    if process:
        _schedule_after_commit(keys)


class _AfterCommit:
    """One per transaction: processes what the transaction queued, once it
    has committed. Never raises into the request that made the change."""

    def __init__(self):
        self.keys = set()
        self.started = False

    def __call__(self):
        self.started = True
        try:
            process_keys(self.keys, inline=True)
        except Exception:
            logger.exception("search: processing %d queued changes failed", len(self.keys))


def _schedule_after_commit(keys):
    connection = transaction.get_connection()
    batch = None
    if connection.in_atomic_block:
        # Reuse this transaction's callback if it has one (a publish saves the
        # page several times; one pass after commit is enough).
        for entry in connection.run_on_commit:
            if isinstance(entry[1], _AfterCommit) and not entry[1].started:
                batch = entry[1]
                break
    if batch is None:
        batch = _AfterCommit()
        batch.keys.update(keys)
        transaction.on_commit(batch, robust=True)
    else:
        batch.keys.update(keys)


def _keys_filter(keys):
    by_kind = {}
    for kind, object_id in keys:
        by_kind.setdefault(kind, []).append(object_id)
    return functools.reduce(
        operator.or_, (Q(kind=k, object_id__in=ids) for k, ids in by_kind.items())
    )


def claim(*, keys=None, limit=BATCH_SIZE, due_only=True, exclude_ids=()):
    """Lease up to ``limit`` rows; another process skips them until the lease
    runs out (or processing finishes)."""
    now = timezone.now()
    with transaction.atomic():
        rows = PendingIndexOperation.objects.select_for_update(skip_locked=True)
        if due_only:
            rows = rows.filter(next_attempt_at__lte=now)
        if keys:
            rows = rows.filter(_keys_filter(keys))
        if exclude_ids:
            rows = rows.exclude(pk__in=list(exclude_ids))
        rows = list(rows.order_by("next_attempt_at", "id")[:limit])
        if rows:
            PendingIndexOperation.objects.filter(pk__in=[r.pk for r in rows]).update(
                next_attempt_at=now + timedelta(seconds=settings.SEARCH_QUEUE_LEASE_SECONDS)
            )
    return rows


def backoff(attempts):
    """Seconds before the next try after ``attempts`` failures: 5, 10, 20…
    up to SEARCH_RETRY_MAX_DELAY, with jitter so a fleet does not retry in step."""
    delay = min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), settings.SEARCH_RETRY_MAX_DELAY)
    return delay * random.uniform(0.8, 1.0)  # noqa: S311 (not cryptographic)


@dataclass
class Outcome:
    done: int = 0
    failed: int = 0
    errors: dict = field(default_factory=dict)  # doc_id -> error

    def add(self, other):
        self.done += other.done
        self.failed += other.failed
        self.errors.update(other.errors)


def read_entries(rows):
    """Current documents of the claimed rows: ({doc_id: entry}, {(kind, id)}
    to delete, {doc_id: error} for objects a source failed on)."""
    entries, deletes, failures = {}, set(), {}
    by_kind = {}
    for row in rows:
        by_kind.setdefault(row.kind, []).append(row.object_id)
    for kind, object_ids in by_kind.items():
        source = registry.get(kind, None)
        if source is None:  # kind no longer registered: its documents go
            deletes.update((kind, object_id) for object_id in object_ids)
            continue
        try:
            objects = source.get_objects(object_ids)
        except Exception as exc:
            logger.exception("search: %s source failed to load objects", kind)
            failures.update({doc_id(kind, i): f"loading failed: {exc}" for i in object_ids})
            continue
        for object_id in object_ids:
            obj = objects.get(object_id)
            try:
                entry = source.entry_for(obj) if obj is not None and owns(source, obj) else None
                if entry is not None:
                    entry = clean(entry, kind)
                    if entry.object_id != object_id:
                        raise InvalidEntry(f"entry for {object_id} says {entry.object_id}")
            except Exception as exc:
                logger.exception("search: %s source failed on %s", kind, object_id)
                failures[doc_id(kind, object_id)] = f"{type(exc).__name__}: {exc}"
                continue
            if entry is None:
                deletes.add((kind, object_id))
            else:
                entries[entry.doc_id] = entry
    return entries, deletes, failures


def write_elasticsearch(client, entries, deletes, version, *, started):
    """Write to every live target; {doc_id: error} per failed document.
    Raises ELASTICSEARCH_ERRORS when Elasticsearch does not answer."""
    # Looked up for every batch, never cached: a rebuild that started before
    # this change committed must get this write too.
    aliases = index.existing_aliases(client)
    if index.alias_name() not in aliases and index.ensure_index(client):
        enqueue_all(process=False)
    if time.monotonic() - started > index.MAX_WRITE_DELAY_SECONDS:
        raise StaleRead("the data read is too old to write; it will be read again")
    delete_ids = [doc_id(kind, object_id) for kind, object_id in deletes]
    errors = {}
    for target in index.write_targets(aliases):
        result = index.bulk_write(client, target, entries.values(), delete_ids, version)
        if target == index.next_alias_name():
            # The rebuild finished between our check and our write: the live
            # alias, written next, already points at its index.
            result.errors = {k: v for k, v in result.errors.items() if "index_not_found" not in v}
        errors.update(result.errors)
    return errors


def process(rows, *, inline=False):
    """Apply the claimed rows: mirror first, then Elasticsearch."""
    if not rows:
        return Outcome()
    started = time.monotonic()
    # Taken after the claim and before reading: see portal.search.versions.
    version = next_version()
    entries, deletes, failures = read_entries(rows)
    # Fail closed: a document its source cannot describe right now leaves the
    # index (its audience may just have narrowed) until a retry succeeds.
    deletes |= {
        (row.kind, row.object_id) for row in rows if doc_id(row.kind, row.object_id) in failures
    }
    mirror.write(entries, deletes, version)

    es_failure, es_errors = None, {}
    client = get_client()
    if client is not None and inline:
        # A web request waits briefly; what does not fit is the worker's.
        client = client.options(request_timeout=settings.SEARCH_QUERY_TIMEOUT * 2, max_retries=0)
    if client is not None:
        if inline and circuit.is_open():
            es_failure = "Elasticsearch failed moments ago; left for the worker"
        else:
            try:
                es_errors = write_elasticsearch(client, entries, deletes, version, started=started)
                circuit.record_success()
            except ELASTICSEARCH_ERRORS as exc:
                circuit.record_failure()
                es_failure = f"Elasticsearch: {type(exc).__name__}: {exc}"
                logger.warning(
                    "search: index write failed, %d rows stay queued: %s", len(rows), exc
                )
            except StaleRead as exc:
                es_failure = str(exc)

    outcome = Outcome()
    done = []
    for row in rows:
        key = doc_id(row.kind, row.object_id)
        error = failures.get(key) or es_failure or es_errors.get(key)
        if error:
            _mark_failed(row, error)
            outcome.failed += 1
            outcome.errors[key] = error
        else:
            done.append(row)
            outcome.done += 1
    if done:
        PendingIndexOperation.objects.filter(
            functools.reduce(operator.or_, (Q(pk=r.pk, token=r.token) for r in done))
        ).delete()
    return outcome


def _mark_failed(row, error):
    attempts = row.attempts + 1
    PendingIndexOperation.objects.filter(pk=row.pk).update(
        attempts=F("attempts") + 1,
        last_error=str(error)[:2000],
        next_attempt_at=timezone.now() + timedelta(seconds=backoff(attempts)),
    )


def process_keys(keys, *, inline=False):
    """Process the due rows of ``keys`` (what one transaction queued)."""
    keys = list(keys)
    outcome = Outcome()
    for start in range(0, len(keys), BATCH_SIZE):
        rows = claim(keys=keys[start : start + BATCH_SIZE], limit=BATCH_SIZE)
        outcome.add(process(rows, inline=inline))
    return outcome


def drain(*, due_only=True, progress=None, should_stop=None, batch_size=BATCH_SIZE):
    """Process the queue until it is empty (each row at most once per call, so
    an outage does not make it spin). ``progress(outcome)`` after each batch."""
    seen = set()
    outcome = Outcome()
    while not (should_stop and should_stop()):
        rows = claim(limit=batch_size, due_only=due_only, exclude_ids=seen)
        if not rows:
            break
        seen.update(r.pk for r in rows)
        result = process(rows)
        outcome.add(result)
        if progress:
            progress(outcome)
    return outcome


def enqueue_all(*, process=False):
    """Queue every object of every source (a new, empty index)."""
    total = 0
    for source in registry:
        if source.model is None:
            continue
        if type(source).object_id is SearchSource.object_id:
            ids = source_queryset(source).values_list("pk", flat=True).iterator()
        else:
            ids = (source.object_id(obj) for obj in source_queryset(source).iterator())
        batch = []
        for object_id in ids:
            batch.append((source.kind, object_id))
            if len(batch) >= ENQUEUE_CHUNK:
                enqueue(batch, process=process)
                total += len(batch)
                batch = []
        enqueue(batch, process=process)
        total += len(batch)
    return total


def stats():
    from django.db.models import Count, Max, Min

    now = timezone.now()
    rows = PendingIndexOperation.objects
    summary = rows.aggregate(
        total=Count("pk"), oldest=Min("enqueued_at"), max_attempts=Max("attempts")
    )
    summary["due"] = rows.filter(next_attempt_at__lte=now).count()
    summary["failing"] = rows.filter(attempts__gt=0).count()
    last = rows.exclude(last_error="").order_by("-attempts", "-last_enqueued_at").first()
    summary["last_error"] = last.last_error if last else ""
    return summary


def index_entries(entries, *, delete=(), refresh=False):
    """Write ``entries`` (SearchEntry) and delete ``delete`` ((kind, object_id)
    pairs) now, in the mirror and the index, without the queue: for tests,
    benchmarks and imports that build entries themselves. Raises when
    Elasticsearch fails or a document is refused."""
    version = next_version()
    cleaned = {}
    for entry in entries:
        entry = clean(entry, entry.kind)
        cleaned[entry.doc_id] = entry
    mirror.write(cleaned, set(delete), version)
    client = get_client()
    if client is None:
        return
    errors = write_elasticsearch(client, cleaned, set(delete), version, started=time.monotonic())
    if errors:
        raise RuntimeError(f"{len(errors)} documents refused: {next(iter(errors.values()))}")
    if refresh:
        index.refresh(client)
