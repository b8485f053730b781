"""manage.py search_index status|sync|rebuild|worker"""

import logging
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django.utils import timezone

from portal.core import periodic
from portal.search import index, mirror, queue, rebuild, status
from portal.search.client import ELASTICSEARCH_ERRORS, get_client

logger = logging.getLogger("portal.search.worker")

HOUSEKEEPING_SECONDS = 3600


def _fresh_connections():
    """Drop broken or expired database connections between batches, as Django
    does between requests (never inside a transaction: tests run the worker
    inside one)."""
    if not connection.in_atomic_block:
        close_old_connections()


class ProgressBar:
    """A progress bar on a terminal; a line every 10 % elsewhere (logs)."""

    WIDTH = 30

    def __init__(self, stdout):
        self.stdout = stdout
        self.tty = getattr(getattr(stdout, "_out", stdout), "isatty", lambda: False)()
        self.kind, self.total, self.done, self.last_step = "", 0, 0, -1

    def start(self, kind, total):
        self.kind, self.total, self.done, self.last_step = kind, total, 0, -1
        self._draw()

    def advance(self, count):
        self.done += count
        self._draw()

    def finish(self):
        if self.tty:
            self.stdout.write("")
        elif self.last_step < 10:
            self.stdout.write(self._line())

    def _line(self):
        share = self.done / self.total if self.total else 1
        filled = int(self.WIDTH * share)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        return f"  {self.kind:<12} [{bar}] {share:4.0%} {self.done}/{self.total}"

    def _draw(self):
        if self.tty:
            self.stdout.write("\r" + self._line(), ending="")
            self.stdout.flush()
            return
        step = int(10 * self.done / self.total) if self.total else 10
        if step != self.last_step:
            self.last_step = step
            self.stdout.write(self._line())


class Command(BaseCommand):
    help = "Inspect and maintain the search index: status, sync, rebuild, worker."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        check = sub.add_parser("status", help="Queue, documents per kind, alias, reachability.")
        check.add_argument(
            "--check",
            action="store_true",
            help="Exit with status 1 unless everything is in step (for monitoring).",
        )
        sub.add_parser("sync", help="Apply every queued index operation now.")
        build = sub.add_parser(
            "rebuild",
            help="Build a new index from the database and swap it in atomically.",
        )
        build.add_argument(
            "--force",
            action="store_true",
            help=(
                "Discard the index of a rebuild that crashed (never use while one runs). "
                "Only needed without PostgreSQL: there a rebuild finds out by itself."
            ),
        )
        build.add_argument(
            "--chunk-size",
            type=int,
            default=rebuild.CHUNK_SIZE,
            help=f"Objects read and written per batch (default {rebuild.CHUNK_SIZE}).",
        )
        work = sub.add_parser("worker", help="Keep applying queued operations until stopped.")
        work.add_argument(
            "--once", action="store_true", help="Process what is due, then exit (cron)."
        )

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    # --- status ---------------------------------------------------------------

    def handle_status(self, check=False, **options):
        info = status.collect()
        out = self.stdout
        summary = status.settings_summary()
        out.write(f"Elasticsearch: {summary['url']}")
        if info.configured:
            if info.reachable:
                out.write(f"  reachable, version {info.server}")
            else:
                out.write(self.style.ERROR(f"  NOT reachable: {info.error}"))
                out.write("  Searches use the database fallback; changes wait in the queue.")
        out.write(f"Alias: {info.alias}")
        if info.configured and info.reachable:
            targets = ", ".join(info.alias_targets) or self.style.WARNING(
                "(missing: run `manage.py search_index rebuild`)"
            )
            out.write(f"  points at: {targets}")
            if info.rebuilding:
                out.write(f"  rebuild filling: {', '.join(info.rebuilding)}")
            if info.mapping_current is False:
                out.write(
                    self.style.WARNING(
                        "  the index was built with another mapping or analyzers: rebuild it"
                    )
                )
            if info.index_ahead_of_database:
                out.write(
                    self.style.WARNING(
                        "  the index holds newer versions than the database (restored from "
                        "a backup?): rebuild it"
                    )
                )
        out.write(f"Analyzers: {summary['analyzers']}")
        q = info.queue
        oldest = (
            timezone.localtime(q["oldest"]).strftime("%Y-%m-%d %H:%M:%S") if q["oldest"] else "-"
        )
        out.write(
            f"Queue: {q['total']} pending ({q['due']} due now, {q['failing']} failing, "
            f"most attempts {q['max_attempts'] or 0}); oldest since {oldest}"
        )
        if q["last_error"]:
            out.write(f"  last error: {q['last_error'][:300]}")
        out.write("")
        out.write(f"{'kind':<14} {'label':<24} {'objects':>9} {'mirror':>9} {'index':>9}")
        for k in info.kinds:
            objects = "-" if k.objects is None else k.objects
            indexed = "-" if k.index is None else k.index
            flag = "" if k.in_step else self.style.WARNING("  differs")
            out.write(
                f"{k.kind:<14} {k.label[:24]:<24} {objects:>9} {k.mirror:>9} {indexed:>9}{flag}"
            )
        out.write("(objects: candidates in the database; a page or report can be a candidate")
        out.write(" and still have no document, for example when it is restricted.)")
        if info.healthy:
            out.write(self.style.SUCCESS("In step."))
        else:
            out.write(self.style.WARNING("Not in step: see above."))
            if check:
                raise SystemExit(1)

    # --- sync -----------------------------------------------------------------

    def handle_sync(self, **options):
        total = queue.stats()["total"]
        self.stdout.write(f"Applying {total} queued operations…")
        bar = ProgressBar(self.stdout)
        bar.start("queue", total)
        seen = {"n": 0}

        def progress(outcome):
            bar.advance(outcome.done + outcome.failed - seen["n"])
            seen["n"] = outcome.done + outcome.failed

        outcome = queue.drain(due_only=False, progress=progress)
        bar.finish()
        self.stdout.write(f"Done: {outcome.done} applied, {outcome.failed} failed.")
        if outcome.failed:
            for doc_id, error in list(outcome.errors.items())[:10]:
                self.stderr.write(f"  {doc_id}: {error[:200]}")
            raise CommandError(
                f"{outcome.failed} operations could not be applied and stay queued with "
                "backoff; see the errors above and `search_index status`."
            )

    # --- rebuild --------------------------------------------------------------

    def handle_rebuild(self, force=False, chunk_size=rebuild.CHUNK_SIZE, **options):
        client = get_client()
        target = "the index and the database mirror" if client else "the database mirror"
        self.stdout.write(f"Rebuilding {target}…")
        try:
            report = rebuild.rebuild(
                progress=ProgressBar(self.stdout), force=force, chunk_size=max(1, chunk_size)
            )
        except rebuild.RebuildError as exc:
            raise CommandError(str(exc)) from exc
        except ELASTICSEARCH_ERRORS as exc:
            raise CommandError(
                f"Elasticsearch at {settings.ELASTICSEARCH_URL} failed ({exc}); the live index "
                "is unchanged. Check `search_index status` and try again."
            ) from exc
        if report.interrupted:
            self.stdout.write(
                f"Removed the index of an interrupted rebuild: {', '.join(report.interrupted)}"
            )
        if report.index:
            self.stdout.write(
                f"Index {report.index} is live behind alias {settings.SEARCH_INDEX_PREFIX}."
            )
        if report.removed_indices:
            self.stdout.write(f"Removed old indices: {', '.join(report.removed_indices)}")
        counts = ", ".join(f"{k}: {n}" for k, n in report.counts.items()) or "no sources"
        self.stdout.write(
            self.style.SUCCESS(f"{report.total} documents in {report.seconds:.1f}s ({counts}).")
        )
        if report.failures:
            for doc_id, error in list(report.failures.items())[:10]:
                self.stderr.write(f"  {doc_id}: {error[:200]}")
            raise CommandError(
                f"{len(report.failures)} objects could not be indexed; they are queued for "
                "retry (see `search_index status`)."
            )

    # --- worker ---------------------------------------------------------------

    def handle_worker(self, once=False, **options):
        stop = threading.Event()

        def request_stop(signum, frame):
            logger.info("search worker: signal %s, stopping after the current batch", signum)
            stop.set()

        previous = {s: signal.signal(s, request_stop) for s in (signal.SIGTERM, signal.SIGINT)}
        mode = "Elasticsearch and the database mirror" if get_client() else "the database mirror"
        self.stdout.write(f"Search worker started: applying queued changes to {mode}.")
        housekept = None
        try:
            while not stop.is_set():
                _fresh_connections()
                try:
                    if housekept is None or time.monotonic() - housekept > HOUSEKEEPING_SECONDS:
                        self._housekeeping()
                        housekept = time.monotonic()
                    outcome = queue.drain(should_stop=stop.is_set)
                    # The other apps' scheduled jobs (portal.core.periodic).
                    periodic.run_due()
                    if outcome.done or outcome.failed:
                        logger.info(
                            "search worker: %d applied, %d failed", outcome.done, outcome.failed
                        )
                except Exception:
                    # The database went away, or a bug: log, wait, carry on;
                    # the queue keeps the work.
                    logger.exception("search worker: processing failed; retrying shortly")
                    _fresh_connections()
                if once:
                    break
                stop.wait(self._idle_seconds())
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("Search worker stopped.")

    def _housekeeping(self):
        """At start and hourly: make sure the index exists (a fresh install, or
        an alias someone deleted, gets an index and every object queued), and
        forget old tombstones and the words no live document holds."""
        client = get_client()
        if client is not None:
            try:
                if index.ensure_index(client):
                    queued = queue.enqueue_all()
                    logger.warning("search worker: new empty index, %d objects queued", queued)
            except ELASTICSEARCH_ERRORS as exc:
                logger.warning("search worker: Elasticsearch not answering yet: %s", exc)
        mirror.purge_tombstones()
        mirror.purge_terms()

    def _idle_seconds(self):
        """Until the next row is due, within [0.2 s, SEARCH_WORKER_POLL]."""
        poll = settings.SEARCH_WORKER_POLL
        try:
            upcoming = (
                queue.PendingIndexOperation.objects.order_by("next_attempt_at")
                .values_list("next_attempt_at", flat=True)
                .first()
            )
        except Exception:
            return poll
        if upcoming is None:
            return poll
        wait = (upcoming - timezone.now()).total_seconds()
        return max(0.2, min(poll, wait))
