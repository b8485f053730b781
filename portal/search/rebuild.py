"""Rebuild: a new index from every source, swapped in atomically.

While the new index fills, searches read the old one through the alias, and
every index write also goes to the new one (the ``-next`` alias), so an edit
made during the rebuild is in the new index whichever of the two writes lands
last (versions decide). The database mirror is refreshed in the same pass and
records no write touched are removed at the end.

Only one rebuild runs at a time per prefix: it holds a PostgreSQL advisory
lock for its whole run. The lock belongs to the rebuild's database session,
so it goes when the process dies, however it dies (SIGKILL, OOM killer, lost
machine). A rebuild that gets the lock therefore knows that any index still
being filled (behind ``-next``) belongs to a rebuild that was interrupted,
removes it and starts afresh, without an operator having to judge whether
``--force`` is safe.
"""

import contextlib
import hashlib
import logging
import time
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.db import connection

from . import index, mirror
from .client import get_client
from .entries import clean
from .objects import owns, source_queryset
from .queue import enqueue
from .registry import registry
from .versions import next_version

logger = logging.getLogger(__name__)

CHUNK_SIZE = 500


class RebuildError(Exception):
    """The rebuild cannot start or finish; the live index is untouched."""


class NullProgress:
    def start(self, kind, total):
        pass

    def advance(self, count):
        pass

    def finish(self):
        pass


@dataclass
class RebuildReport:
    index: str | None = None
    counts: dict = field(default_factory=dict)  # kind -> documents written
    failures: dict = field(default_factory=dict)  # doc id -> error
    removed_indices: list = field(default_factory=list)
    interrupted: list = field(default_factory=list)  # indices of a crashed rebuild, removed
    removed_records: int = 0
    seconds: float = 0.0

    @property
    def total(self):
        return sum(self.counts.values())


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _objects(source):
    queryset = source_queryset(source)
    if hasattr(queryset, "specific"):  # Wagtail pages: one query per type, not per page
        queryset = queryset.specific()
    return queryset


def _entries(source, objects, report):
    entries, failed = {}, []
    for obj in objects:
        object_id = source.object_id(obj)
        try:
            entry = source.entry_for(obj) if owns(source, obj) else None
            if entry is not None:
                entry = clean(entry, source.kind)
        except Exception as exc:
            logger.exception(
                "search: %s source failed on %s during rebuild", source.kind, object_id
            )
            report.failures[f"{source.kind}-{object_id}"] = f"{type(exc).__name__}: {exc}"
            failed.append((source.kind, object_id))
            continue
        if entry is not None:
            entries[entry.doc_id] = entry
    return entries, failed


def rebuild(*, progress=None, force=False, use_elasticsearch=True, chunk_size=CHUNK_SIZE):
    """Rebuild the index (when Elasticsearch is configured and
    ``use_elasticsearch``) and the database mirror from every source."""
    progress = progress or NullProgress()
    with _exclusive() as exclusive:
        return _rebuild(progress, force or exclusive, use_elasticsearch, chunk_size)


def lock_key():
    """The advisory lock of this prefix's rebuild (a signed 64-bit number)."""
    digest = hashlib.sha256(f"portal.search.rebuild:{settings.SEARCH_INDEX_PREFIX}".encode())
    return int.from_bytes(digest.digest()[:8], "big", signed=True)


@contextlib.contextmanager
def _exclusive():
    """Hold the rebuild lock; yields True when held (PostgreSQL), False where
    the database has no advisory locks (the SQLite demo: one process).

    The lock lives in a database session of its own: closing it releases the
    lock whatever state the rebuild's own connection is in (a transaction
    aborted by the error being raised cannot run an unlock)."""
    if connection.vendor != "postgresql":
        yield False
        return
    session = connection.copy()
    try:
        with session.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_key()])
            (acquired,) = cursor.fetchone()
        if not acquired:
            raise RebuildError(
                "Another rebuild is running (it holds the rebuild lock in the database). "
                "Wait for it to finish; `manage.py search_index status` shows its index."
            )
        yield True
    finally:
        session.close()


def _rebuild(progress, stale_is_ours, use_elasticsearch, chunk_size):
    started = time.monotonic()
    client = get_client() if use_elasticsearch else None
    report = RebuildReport()
    if client is not None:
        report.index, report.interrupted = _start_index(client, force=stale_is_ours)
    try:
        # One version for every rebuild write, taken before any source is read.
        # Each source is read as it was when its query began; a change committed
        # after that gets a later version from the queue, so the rebuild's
        # older copy never overwrites it (Elasticsearch answers 409, the mirror
        # keeps the newer record). A version per chunk, taken after the read,
        # would let a stale copy win and bring back a withdrawn document.
        version = next_version()
        retry = []

        def bulk_done(result):
            report.failures.update(result.errors)
            retry.extend(result.failed.values())

        bulk = (
            index.BackgroundBulk(client, report.index, version, require_alias=False)
            if client is not None
            else None
        )
        try:
            for source in [s for s in registry if s.model is not None]:
                objects = _objects(source)
                progress.start(source.kind, objects.count())
                written = 0
                for chunk in _chunks(objects.iterator(chunk_size=chunk_size), chunk_size):
                    entries, failed = _entries(source, chunk, report)
                    retry += failed
                    mirror.write(entries, (), version)
                    if bulk is not None:
                        bulk_done(bulk.send(entries.values()))
                    written += len(entries)
                    progress.advance(len(chunk))
                report.counts[source.kind] = written
                progress.finish()
        finally:
            if bulk is not None:
                bulk_done(bulk.close())
        report.removed_records = mirror.remove_older_than(version)
        if client is not None:
            report.removed_indices = _go_live(client, report.index)
    except BaseException:
        if client is not None:
            client.options(ignore_status=404).indices.delete(index=report.index)
        raise
    if retry:
        # Left for the worker: they appear in `status` until the source is fixed.
        enqueue(retry, process=False)
    report.seconds = time.monotonic() - started
    return report


def _start_index(client, *, force):
    """Create the index to fill; (its name, indices of an interrupted rebuild
    that were removed). ``force``: any index being filled is known to be
    abandoned (we hold the lock, or the operator said so)."""
    next_alias = index.next_alias_name()
    stale = []
    if client.indices.exists_alias(name=next_alias):
        stale = index.indices_behind(next_alias, client)
        if not force:
            raise RebuildError(
                f"Another rebuild is filling {', '.join(stale)}. Wait for it, or if it "
                "crashed, run `manage.py search_index rebuild --force`."
            )
        logger.warning("search: removing %s, left by an interrupted rebuild", ", ".join(stale))
        for name in stale:
            client.options(ignore_status=404).indices.delete(index=name)
    name = index.new_index_name()
    body = index.index_body(loading=True)
    body["aliases"] = {next_alias: {}}
    client.indices.create(index=name, **body)
    return name, stale


def _go_live(client, name):
    client.indices.put_settings(
        index=name,
        settings={
            "refresh_interval": None,
            "number_of_replicas": None,
            "auto_expand_replicas": "0-1",
            "translog.durability": None,
        },
    )
    client.indices.refresh(index=name)
    alias, next_alias = index.alias_name(), index.next_alias_name()
    old = index.indices_behind(alias, client)
    actions = [{"remove": {"index": o, "alias": alias}} for o in old]
    actions += [
        {"add": {"index": name, "alias": alias}},
        {"remove": {"index": name, "alias": next_alias}},
    ]
    client.indices.update_aliases(actions=actions)
    # Old indices, and any left by a crashed rebuild, of this prefix only.
    live = set(index.indices_behind(alias, client)) | set(index.indices_behind(next_alias, client))
    removed = [n for n in index.our_indices(client) if n not in live]
    for stale in removed:
        client.options(ignore_status=404).indices.delete(index=stale)
    return removed
