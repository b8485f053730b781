"""Faults made real, for the drill tests (tests/search/test_drills_*.py,
tests/members/test_upload_disk_full.py) and the operator's drill script
(bench/drills.py): one piece of code for both.

Nothing here fakes a service. A rebuild or a worker is the real
``manage.py search_index`` in a child process, killed with SIGKILL (no
cleanup code of ours runs, as when the kernel's OOM killer or a power cut
stops it); a full disk is a real, small tmpfs filled to the brim; a slow
Elasticsearch is the real node behind tests/search/forwarder.py with a delay.
"""

import contextlib
import errno
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.db import connection
from django.db.models import F

ROOT = Path(__file__).resolve().parents[1]

# A progress line of `search_index rebuild` (portal/search/management/commands):
#   "  workspace    [######-----]  20% 100/400"
PROGRESS = re.compile(r"^\s*(?P<kind>\S+)\s+\[[#-]+\]\s+\d+%\s+(?P<done>\d+)/(?P<total>\d+)")


def database_url():
    """The database this process uses (the test database under pytest), as a
    URL for a child process."""
    db = connection.settings_dict
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def child_env(*, prefix, elasticsearch_url, **extra):
    """Environment for ``manage.py`` in a child process: this process's
    database, the given index prefix and Elasticsearch URL."""
    env = dict(os.environ)
    # Under pytest-xdist the test settings would add the worker's name to the
    # prefix (portal/settings/test.py); the child must use ours as given.
    env.pop("PYTEST_XDIST_WORKER", None)
    env.update(
        DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "portal.settings.test"),
        DATABASE_URL=database_url(),
        SEARCH_INDEX_PREFIX=prefix,
        ELASTICSEARCH_URL=elasticsearch_url,
        PYTHONUNBUFFERED="1",
        # The child must not take this process's test-database name for its own.
        PORTAL_TEST_DB_NAME="",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def manage(*args, env, timeout=120):
    """Run ``manage.py`` to the end; (exit status, stdout + stderr)."""
    done = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return done.returncode, done.stdout + done.stderr


@dataclass
class Killed:
    """What a child process had done when it was killed."""

    lines: list = field(default_factory=list)
    kind: str = ""
    done: int = 0
    total: int = 0
    returncode: int | None = None


def kill_rebuild_midway(*, env, kind, chunk_size, after_chunks=2, timeout=60):
    """Start `search_index rebuild --chunk-size N`, SIGKILL it once its
    progress shows ``after_chunks`` chunks of ``kind`` written and more to go."""
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "search_index",
            "rebuild",
            "--chunk-size",
            str(chunk_size),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    killed = Killed()
    deadline = time.monotonic() + timeout
    try:
        for line in process.stdout:
            killed.lines.append(line.rstrip())
            match = PROGRESS.match(line)
            if match and match["kind"] == kind:
                done, total = int(match["done"]), int(match["total"])
                if chunk_size * after_chunks <= done < total:
                    process.send_signal(signal.SIGKILL)
                    killed.kind, killed.done, killed.total = kind, done, total
                    break
            if time.monotonic() > deadline:
                break
    finally:
        if process.poll() is None and not killed.kind:
            process.kill()
        killed.returncode = process.wait(30)
        process.stdout.close()
    return killed


def kill_worker_midbatch(*, env, keys, timeout=60):
    """Start `search_index worker`, SIGKILL it once it has claimed the queued
    operations of ``keys`` ((kind, object_id) pairs) and written them to the
    database mirror, that is while it is writing them to Elasticsearch (the
    last step of a batch). True when it was killed there."""
    from portal.search.models import PendingIndexOperation, SearchRecord

    doc_ids = [f"{kind}-{object_id}" for kind, object_id in keys]
    pending = PendingIndexOperation.objects.filter(
        object_id__in=[object_id for _, object_id in keys]
    )
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "search_index", "worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Claimed: the lease pushed next_attempt_at past the enqueue time.
        claimed = wait_until(
            lambda: (
                not pending.filter(next_attempt_at__lte=F("enqueued_at")).exists()
                and SearchRecord.objects.filter(doc_id__in=doc_ids).count() == len(doc_ids)
            ),
            timeout=timeout,
        )
        in_the_middle = claimed and process.poll() is None
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(30)
    return in_the_middle


def wait_until(condition, *, timeout=30, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


# --- What the index holds -------------------------------------------------------------


@dataclass
class IndexState:
    live: list  # indices behind the alias
    filling: list  # indices behind the rebuild's -next alias
    indices: list  # every index made for the prefix
    doc_ids: list  # document ids behind the alias
    objects: Counter  # (kind, object_id) -> documents: more than 1 is a duplicate

    @property
    def duplicates(self):
        return sum(n - 1 for n in self.objects.values() if n > 1)


def index_state(client, prefix):
    """The alias, the rebuild's alias and every document behind the alias of
    ``prefix``, read from the node itself."""

    def behind(alias):
        if not client.indices.exists_alias(name=alias):
            return []
        return sorted(client.indices.get_alias(name=alias))

    live = behind(prefix)
    indices = sorted(
        client.indices.get(index=f"{prefix}-*", allow_no_indices=True, ignore_unavailable=True)
    )
    doc_ids, objects = [], Counter()
    if live:
        client.indices.refresh(index=prefix)
        response = client.search(
            index=prefix,
            size=10_000,
            source=["kind", "object_id"],
            query={"match_all": {}},
        )
        for hit in response["hits"]["hits"]:
            doc_ids.append(hit["_id"])
            objects[(hit["_source"]["kind"], hit["_source"]["object_id"])] += 1
    return IndexState(live, behind(f"{prefix}-next"), indices, doc_ids, objects)


def expected_doc_ids():
    """The documents the registered sources describe right now, asked of the
    sources themselves (not of the rebuild): what a complete index holds."""
    from portal.search.entries import clean
    from portal.search.objects import owns, source_queryset
    from portal.search.registry import registry

    ids = set()
    for source in registry:
        if source.model is None:
            continue
        queryset = source_queryset(source)
        if hasattr(queryset, "specific"):
            queryset = queryset.specific()
        for obj in queryset:
            entry = source.entry_for(obj) if owns(source, obj) else None
            if entry is not None:
                ids.add(clean(entry, source.kind).doc_id)
    return ids


# --- A full disk ------------------------------------------------------------------------


def _fill(directory, leave_bytes):
    """Write a filler file until at most ``leave_bytes`` are free."""
    filler = Path(directory) / ".filler"
    block = b"\0" * 4096
    with open(filler, "wb") as handle:
        while os.statvfs(directory).f_bavail * os.statvfs(directory).f_frsize > leave_bytes:
            try:
                handle.write(block)
                handle.flush()
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                break
    return filler


@contextlib.contextmanager
def small_disk(size_kib=512):
    """A directory on a tmpfs of its own, ``size_kib`` big, unmounted
    afterwards. Needs root (mount); raises PermissionError otherwise."""
    directory = tempfile.mkdtemp(prefix="portal-disk-full-")
    options = f"size={size_kib}k,mode=0700"
    command = ["mount", "-t", "tmpfs", "-o", options, "tmpfs", directory]
    try:
        mounted = subprocess.run(command, capture_output=True, text=True)  # noqa: S603
        refused = mounted.stderr.strip() if mounted.returncode else ""
    except OSError as exc:  # no mount(8) at all
        refused = str(exc)
    if refused:
        os.rmdir(directory)
        raise PermissionError(f"cannot mount a tmpfs here: {refused}")
    disk = Disk(Path(directory))
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", directory], check=False)  # noqa: S603, S607
        os.rmdir(directory)


@dataclass
class Disk:
    root: Path
    filler: Path | None = None

    def fill(self, leave_bytes=8 * 1024):
        """Leave at most ``leave_bytes`` free on the disk."""
        self.filler = _fill(self.root, leave_bytes)

    def free_bytes(self):
        stats = os.statvfs(self.root)
        return stats.f_bavail * stats.f_frsize

    def files(self):
        """Every file on the disk but the filler: {relative path: bytes}."""
        return {
            str(p.relative_to(self.root)): p.read_bytes()
            for p in sorted(self.root.rglob("*"))
            if p.is_file() and p != self.filler
        }


@contextlib.contextmanager
def file_size_limit(limit_bytes):
    """Where no tmpfs can be mounted: the kernel refuses (EFBIG) every write
    past ``limit_bytes`` in this process, as a full disk would, until the
    block ends. SIGXFSZ is ignored so the write fails instead of killing us."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)
