#!/usr/bin/env python
"""Fault drills (not a test): real faults against the real PostgreSQL and
Elasticsearch, each step printed with what happened and OK or FAILED.

    eval "$(scripts/services.sh env)"
    DJANGO_SETTINGS_MODULE=portal.settings.test .venv/bin/python bench/drills.py
    # options: --docs 2000 (objects the rebuild indexes) --only rebuild,worker,disk,slow,outage
    #          --keep-db (reuse the drill database between runs)

1. outage   Elasticsearch cut off (connections refused) and back: an edit waits
            in the queue, search answers from the database, sync applies it.
2. rebuild  `search_index rebuild` killed with SIGKILL between two chunks, then
            run again: the index holds every document once, nothing left over.
3. worker   `search_index worker` killed while it applies a batch: the batch
            stays queued, the next run after the lease applies each once.
4. disk     An upload while the private files' disk is full (a small tmpfs,
            mounted when run as root; else the kernel's file size limit):
            507 with a clear message, nothing half-written, nothing recorded.
5. slow     Elasticsearch slower than SEARCH_QUERY_TIMEOUT: search answers from
            the database within about the timeout, edits queue and are applied
            once the node is fast again.

It works in a database of its own (created like the test suite's, named after
the test database with "_drills", dropped at the end unless --keep-db) and an
index alias of its own (SEARCH_INDEX_PREFIX + "-drills-…", removed at the end),
so it never touches real data. The faults themselves (the killed processes,
the full disk, the slow node) are the helpers the tests use: tests/faults.py
and tests/search/forwarder.py. Exit status 1 when a drill fails.
"""

import argparse
import contextlib
import logging
import os
import sys
import time
import uuid
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

DRILLS = ("outage", "rebuild", "worker", "disk", "slow")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000, help="workspaces the rebuild indexes")
    parser.add_argument("--only", default=",".join(DRILLS), help="comma-separated drills")
    parser.add_argument("--keep-db", action="store_true", help="reuse the drill database")
    return parser.parse_args()


def say(message=""):
    print(message, flush=True)


class Drill:
    """One drill's printed steps; ``check`` prints OK or FAILED per claim."""

    def __init__(self, title):
        self.title, self.ok = title, True
        say(f"\n== {title}")

    def step(self, message):
        say(f"  {message}")

    def check(self, claim, holds, detail=""):
        self.ok &= bool(holds)
        say(f"  {'OK    ' if holds else 'FAILED'} {claim}{f' ({detail})' if detail else ''}")
        return holds


def elapsed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


# --- the drills ----------------------------------------------------------------------------


def drill_outage(ctx):
    from django.core.management import call_command

    from portal.search import index
    from portal.search.client import circuit
    from portal.search.models import PendingIndexOperation
    from tests.search.forwarder import Forwarder

    d = Drill("Elasticsearch cut off, then back")
    proxy = Forwarder.to(ctx.es_url).start()
    try:
        with ctx.settings(ELASTICSEARCH_URL=proxy.url):
            workspace, member = ctx.workspace("Outage drill shelter")
            proxy.stop()
            d.step("connections to Elasticsearch are now refused")
            workspace.name = "Outage drill shelter, renamed"
            _, seconds = elapsed(workspace.save)
            queued = PendingIndexOperation.objects.filter(object_id=str(workspace.pk)).count()
            d.check("an edit saves at once and waits in the queue", queued == 1, f"{seconds:.2f}s")
            response = ctx.search(member, "renamed")
            d.check(
                "search answers 200 from the database, with the edit",
                response.status_code == 200 and ctx.titles(response) == [workspace.name],
                ctx.backend(response),
            )
            proxy.start()
            circuit.reset()
            d.step("Elasticsearch reachable again; `search_index sync`")
            call_command("search_index", "sync", stdout=ctx.sink())
            index.refresh()
            response = ctx.search(member, "renamed")
            d.check(
                "the queue is empty and the index has the edit",
                not PendingIndexOperation.objects.exists()
                and ctx.backend(response) == "elasticsearch"
                and ctx.titles(response) == [workspace.name],
            )
    finally:
        proxy.stop()
    return d.ok


def drill_rebuild(ctx, docs):
    from django.core.management import call_command

    from portal.members.models import Workspace
    from portal.search import rebuild
    from portal.search.client import get_client
    from tests.faults import child_env, expected_doc_ids, index_state, kill_rebuild_midway
    from tests.search.forwarder import Forwarder

    d = Drill(f"Rebuild killed in the middle of a bulk index ({docs} workspaces)")
    have = Workspace.objects.filter(slug__startswith="drill-").count()
    Workspace.objects.bulk_create(
        [Workspace(slug=f"drill-{n}", name=f"Drill shelter {n}") for n in range(have, docs)]
    )
    chunk = max(1, docs // 8)
    client = get_client()
    prefix = ctx.prefix
    report = rebuild.rebuild()
    d.step(f"live index {report.index}: {report.total} documents")
    # Replies slowed a little, so the kill lands between chunks, not after the last.
    slow = Forwarder.to(ctx.es_url, delay=0.05).start()
    try:
        env = child_env(prefix=prefix, elasticsearch_url=slow.url)
        killed = kill_rebuild_midway(env=env, kind="workspace", chunk_size=chunk)
    finally:
        slow.stop()
    if not d.check("the rebuild was killed between two chunks", killed.kind, killed.lines[-1:]):
        return False
    chunks = -(-killed.total // chunk)
    d.step(
        f"killed rebuild (SIGKILL) at chunk {killed.done // chunk}/{chunks} "
        f"({killed.done}/{killed.total} workspaces)"
    )
    state = index_state(client, prefix)
    d.check(
        "searches still read the complete old index",
        state.live == [report.index] and len(state.doc_ids) == report.total,
        f"{len(state.doc_ids)} documents; half-built: {', '.join(state.filling) or 'none'}",
    )
    out = ctx.sink()
    _, seconds = elapsed(
        lambda: call_command("search_index", "rebuild", "--chunk-size", str(chunk), stdout=out)
    )
    state = index_state(client, prefix)
    expected = expected_doc_ids()
    d.step(f"rerun → {len(state.doc_ids):,} documents in {seconds:.1f}s, alias → {state.live}")
    d.check(
        "the index holds exactly the documents of the sources",
        set(state.doc_ids) == expected and len(state.doc_ids) == len(expected),
        f"{len(state.doc_ids):,} of {len(expected):,}",
    )
    d.check("no duplicates", state.duplicates == 0, f"{state.duplicates} duplicates")
    d.check(
        "the half-built index is removed, nothing else left",
        state.filling == [] and state.indices == state.live,
        f"indices: {', '.join(state.indices)}",
    )
    return d.ok


def drill_worker(ctx):
    from django.core.management import call_command
    from django.db.models import Max
    from django.utils import timezone

    from portal.members.models import Workspace
    from portal.search import queue
    from portal.search.client import get_client
    from portal.search.models import PendingIndexOperation
    from tests.faults import child_env, index_state, kill_worker_midbatch
    from tests.search.forwarder import Forwarder

    lease = 4
    d = Drill("Queue worker killed while applying a batch")
    PendingIndexOperation.objects.all().delete()
    Workspace.objects.bulk_create(
        [
            Workspace(slug=f"queued-{uuid.uuid4().hex[:8]}", name="Queued shelter")
            for _ in range(150)
        ]
    )
    keys = [
        ("workspace", str(pk))
        for pk in Workspace.objects.filter(slug__startswith="queued-").values_list("pk", flat=True)
    ]
    queue.enqueue(keys, process=False)
    d.step(f"{len(keys)} operations queued; worker started (lease {lease}s), node slowed")
    slow = Forwarder.to(ctx.es_url, delay=1.0).start()
    try:
        env = child_env(
            prefix=ctx.prefix, elasticsearch_url=slow.url, SEARCH_QUEUE_LEASE_SECONDS=lease
        )
        midway = kill_worker_midbatch(env=env, keys=keys)
    finally:
        slow.stop()
    d.check("killed after the claim and the mirror write, before the index write", midway)
    pending = PendingIndexOperation.objects.count()
    d.check("every operation is still queued", pending == len(keys), f"{pending} pending")
    with ctx.settings(SEARCH_QUEUE_LEASE_SECONDS=lease):
        d.check("no worker takes them while the lease runs", queue.drain().done == 0)
        ends = PendingIndexOperation.objects.aggregate(end=Max("next_attempt_at"))["end"]
        time.sleep(max(0.0, (ends - timezone.now()).total_seconds()) + 0.1)
        call_command("search_index", "worker", "--once", stdout=ctx.sink())
    state = index_state(get_client(), ctx.prefix)
    ours = [i for i in state.doc_ids if i in {f"workspace-{pk}" for _, pk in keys}]
    d.step(f"next run after the lease → queue {PendingIndexOperation.objects.count()} pending")
    d.check(
        "each operation applied once: all documents, no duplicates",
        len(ours) == len(keys) and state.duplicates == 0,
        f"{len(ours)} of {len(keys)}, {state.duplicates} duplicates",
    )
    return d.ok


def drill_disk(ctx):
    from django.urls import reverse

    from portal.members import audit
    from portal.members.models import AuditEvent, WorkspaceFile
    from tests.factories import make_file, upload
    from tests.faults import Disk, file_size_limit, small_disk

    d = Drill("Upload while the private files' disk is full")
    big = b"A line of notes from the shelter visit.\n" * 2600
    workspace, member = ctx.workspace("Disk drill shelter")
    try:
        mounted = small_disk(256)
        disk = mounted.__enter__()
        fill, limit = disk.fill, None
        d.step(f"a 256 KiB tmpfs at {disk.root}, filled to the brim (ENOSPC)")
    except PermissionError as exc:
        mounted = None
        disk = Disk(Path(ctx.tmp) / "private")
        disk.root.mkdir(exist_ok=True)
        fill, limit = (lambda: None), 32 * 1024
        d.step(f"no tmpfs ({exc}); the kernel's file size limit instead (EFBIG)")
    try:
        with ctx.settings(PRIVATE_MEDIA_ROOT=disk.root):
            earlier = make_file(workspace, member, name="earlier.txt", content=b"Kept safe\n")
            fill()
            rows, uploads = (
                WorkspaceFile.objects.count(),
                AuditEvent.objects.filter(action=audit.FILE_UPLOADED).count(),
            )
            before = disk.files()
            ctx.client.force_login(member)
            url = reverse("members:file_upload", kwargs={"slug": workspace.slug})
            post = lambda: ctx.client.post(  # noqa: E731
                url, {"file": upload("big.txt", big), "description": "March visit"}
            )
            with file_size_limit(limit) if limit else contextlib.nullcontext():
                response = post()
            page = response.content.decode()
            d.step(f"upload of {len(big) // 1024} KiB → {response.status_code}")
            d.check(
                "a 507 page with a clear message, no traceback",
                response.status_code == 507 and "no room left" in page and "Traceback" not in page,
            )
            d.check("the description typed is kept in the form", 'value="March visit"' in page)
            d.check("nothing half-written on disk, earlier file intact", disk.files() == before)
            d.check("no row for it", WorkspaceFile.objects.count() == rows)
            d.check(
                "the audit log does not claim an upload",
                AuditEvent.objects.filter(action=audit.FILE_UPLOADED).count() == uploads,
            )
            d.check(
                "the earlier file still downloads",
                b"".join(ctx.client.get(earlier.get_download_url()).streaming_content)
                == b"Kept safe\n",
            )
        # A large upload is spooled to a temporary file while the request is
        # read, before any view: on a one-disk server that write fails first.
        with ctx.settings(
            PRIVATE_MEDIA_ROOT=disk.root,
            FILE_UPLOAD_TEMP_DIR=disk.root,
            FILE_UPLOAD_MAX_MEMORY_SIZE=16 * 1024,
        ):
            with file_size_limit(limit) if limit else contextlib.nullcontext():
                response = post()
            page = response.content.decode()
            d.step(f"same upload spooled to a temporary file on that disk → {response.status_code}")
            d.check(
                "a 507 page with the same message, the description kept",
                response.status_code == 507
                and "no room left" in page
                and 'value="March visit"' in page,
            )
            d.check("no temporary file left, nothing recorded", disk.files() == before)
    finally:
        if mounted is not None:
            mounted.__exit__(None, None, None)
    return d.ok


def drill_slow(ctx):
    from django.conf import settings
    from django.core.management import call_command

    from portal.search import index
    from portal.search.client import circuit
    from portal.search.models import PendingIndexOperation
    from tests.search.forwarder import Forwarder

    timeout = settings.SEARCH_QUERY_TIMEOUT
    d = Drill(f"Elasticsearch slower than the search timeout ({timeout}s)")
    proxy = Forwarder.to(ctx.es_url).start()
    try:
        with ctx.settings(ELASTICSEARCH_URL=proxy.url):
            workspace, member = ctx.workspace("Slow drill shelter")
            index.refresh()
            circuit.reset()
            proxy.delay = timeout + 3
            d.step(f"every reply of the node now held {proxy.delay:.1f}s")
            response, seconds = elapsed(lambda: ctx.search(member, "slow drill"))
            d.check(
                "search answers 200 from the database within about the timeout",
                response.status_code == 200
                and ctx.backend(response) == "database"
                and seconds < timeout + 1.5,
                f"{seconds:.2f}s, {ctx.backend(response)}",
            )
            d.check("the page says it is in reduced mode", b"reduced mode" in response.content)
            asked = proxy.requests_forwarded
            response, seconds = elapsed(lambda: ctx.search(member, "slow drill"))
            d.check(
                "the next search does not ask the slow node (circuit open)",
                proxy.requests_forwarded == asked and response.status_code == 200,
                f"{seconds:.2f}s",
            )
            circuit.reset()
            workspace.name = "Slow drill shelter, renamed"
            _, seconds = elapsed(workspace.save)
            row = PendingIndexOperation.objects.filter(object_id=str(workspace.pk)).first()
            d.check(
                "an edit gives up on the node after twice the timeout and waits in the queue",
                row is not None and seconds < 2 * timeout + 1.5,
                f"{seconds:.2f}s",
            )
            proxy.delay = 0
            circuit.reset()
            d.step("node fast again; `search_index sync`")
            call_command("search_index", "sync", stdout=ctx.sink())
            index.refresh()
            response = ctx.search(member, "renamed")
            d.check(
                "applied once: the index has the edit, the queue is empty",
                ctx.backend(response) == "elasticsearch"
                and ctx.titles(response) == [workspace.name]
                and not PendingIndexOperation.objects.exists(),
            )
    finally:
        proxy.stop()
    return d.ok


# --- plumbing ------------------------------------------------------------------------------


class Context:
    def __init__(self, es_url, prefix, tmp):
        from django.test import Client

        self.es_url, self.prefix, self.tmp = es_url, prefix, tmp
        self.client = Client(headers={"Accept-Language": "en"})

    def settings(self, **values):
        from django.test import override_settings

        return override_settings(**values)

    def sink(self):
        import io

        return io.StringIO()

    def workspace(self, name):
        from tests.factories import OrganisationFactory, UserFactory, add_member, make_workspace

        workspace = make_workspace(name=name, slug=f"drill-ws-{uuid.uuid4().hex[:8]}")
        member = add_member(workspace, UserFactory(organisation=OrganisationFactory(verified=True)))
        return workspace, member

    def search(self, user, q):
        self.client.force_login(user)
        return self.client.get("/search/", {"q": q})

    @staticmethod
    def backend(response):
        results = response.context and response.context.get("results")
        return results.backend if results else "-"

    @staticmethod
    def titles(response):
        results = response.context and response.context.get("results")
        return [h.title for h in results.hits] if results else []


def main():
    args = parse_args()
    from django.conf import settings

    base = settings.DATABASES["default"].get("TEST", {}).get("NAME") or (
        "test_" + str(settings.DATABASES["default"]["NAME"])
    )
    settings.DATABASES["default"]["TEST"] = {"NAME": f"{base}_drills"}
    settings.DEBUG = False
    settings.LANGUAGE_CODE = "en"
    settings.SEARCH_INDEX_PREFIX = f"{settings.SEARCH_INDEX_PREFIX}-drills-{uuid.uuid4().hex[:8]}"
    django.setup()
    # The node pool's own chatter; the portal's log lines stay (they say what it did).
    logging.getLogger("elastic_transport").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="No directory at")

    import tempfile

    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    from tests.search_indices import remove_indices

    if not settings.ELASTICSEARCH_URL:
        sys.exit("ELASTICSEARCH_URL is empty: the drills need the real Elasticsearch.")
    setup_test_environment()
    say(
        f"database {settings.DATABASES['default']['TEST']['NAME']}, alias {settings.SEARCH_INDEX_PREFIX}"
    )
    old_config = setup_databases(verbosity=0, interactive=False, keepdb=args.keep_db)
    wanted = [name.strip() for name in args.only.split(",") if name.strip()]
    results = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            ctx = Context(settings.ELASTICSEARCH_URL, settings.SEARCH_INDEX_PREFIX, tmp)
            from portal.search import index

            index.ensure_index()
            runs = {
                "outage": lambda: drill_outage(ctx),
                "rebuild": lambda: drill_rebuild(ctx, args.docs),
                "worker": lambda: drill_worker(ctx),
                "disk": lambda: drill_disk(ctx),
                "slow": lambda: drill_slow(ctx),
            }
            for name in wanted:
                try:
                    results[name] = runs[name]()
                except Exception as exc:  # a drill that crashes is a failed drill
                    say(f"  FAILED {name} crashed: {type(exc).__name__}: {exc}")
                    results[name] = False
    finally:
        remove_indices(settings.SEARCH_INDEX_PREFIX)
        if not args.keep_db:
            teardown_databases(old_config, verbosity=0)
    say("\n== Summary")
    for name, ok in results.items():
        say(f"  {'OK    ' if ok else 'FAILED'} {name}")
    sys.exit(0 if results and all(results.values()) else 1)


if __name__ == "__main__":
    main()
