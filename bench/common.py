"""What the benchmarks share: a bench database, and the portal under gunicorn on it.

Two ways to set up, one naming scheme:

- In process (``in_process_database``): ``bench/page_weight.py`` and
  ``bench/search_bench.py`` measure through Django's test client in their own
  process; they get a database created and dropped like the test suite's, named
  after the test database with a suffix, and an index alias of their own.
- Under gunicorn (``BenchSite``): ``bench/pages_bench.py`` and ``bench/load.py``
  measure over HTTP, so the portal runs in other processes. It runs with the
  production settings (``portal.settings.production``, DEBUG off, its caches,
  hashed static files, the second factor required), in a database of
  its own (``bench_portal`` by default) filled by ``manage.py load_demo`` with
  its search index, static files collected under ``.services/bench/``. The
  clients speak plain HTTP and send ``X-Forwarded-Proto: https`` as the TLS
  proxy in front of a real installation does, so no setting is loosened.

This module imports no Django and no third-party package at its top: the load
benchmark runs it under the bench virtualenv (locust), where neither exists.
Django runs in subprocesses with the portal's own interpreter.
"""

import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTAL_PYTHON = ROOT / ".venv" / "bin" / "python"
BENCH_ROOT = ROOT / ".services" / "bench"
DEFAULT_DB = "bench_portal"
DEFAULT_PORT = 8765
# What the TLS-terminating proxy adds in production (SECURE_PROXY_SSL_HEADER).
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def say(message):
    """A progress line (the tables go to stdout too, after them)."""
    print(f"==> {message}", flush=True)


# --- Services -------------------------------------------------------------------


def service_urls():
    """(DATABASE_URL, ELASTICSEARCH_URL) from the environment, else from
    ``scripts/services.sh env`` (the services /work/main or `make` started)."""
    database_url = os.environ.get("DATABASE_URL", "")
    search_url = os.environ.get("ELASTICSEARCH_URL", "")
    if not (database_url and search_url):
        output = subprocess.run(
            [str(ROOT / "scripts" / "services.sh"), "env"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        found = dict(
            line.removeprefix("export ").split("=", 1)
            for line in output.splitlines()
            if line.startswith("export ")
        )
        database_url = database_url or found.get("DATABASE_URL", "")
        search_url = search_url or found.get("ELASTICSEARCH_URL", "")
    if not database_url.startswith("postgres"):
        raise SystemExit(
            "The benchmarks run on PostgreSQL: start the services with "
            '`scripts/services.sh start`, then `eval "$(scripts/services.sh env)"`.'
        )
    if not search_url:
        raise SystemExit("ELASTICSEARCH_URL is empty: start `scripts/services.sh start`.")
    return database_url, search_url


def with_database(url, name):
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def portal_python(code, env, *args):
    """Run ``code`` with the portal's interpreter (psycopg2, Django)."""
    return subprocess.run(
        [str(PORTAL_PYTHON), "-c", code, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


_ADMIN_SQL = """
import sys, psycopg2
from psycopg2 import sql
url, action, name = sys.argv[1:4]
conn = psycopg2.connect(url)
conn.autocommit = True
with conn.cursor() as cur:
    cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    exists = cur.fetchone() is not None
    if action == "create" and not exists:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    elif action == "drop" and exists:
        cur.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
print("yes" if exists else "no")
"""


# --- Elasticsearch --------------------------------------------------------------


def _es(url, method, path):
    request = urllib.request.Request(url.rstrip("/") + path, method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def drop_indices(search_url, prefix):
    """Every index behind the alias ``prefix`` and its rebuild siblings."""
    try:
        found = _es(search_url, "GET", f"/_cat/indices/{prefix},{prefix}-*?format=json")
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return 0
        raise
    for row in found or []:
        with contextlib.suppress(urllib.error.HTTPError):
            _es(search_url, "DELETE", "/" + urllib.parse.quote(row["index"]))
    return len(found or [])


# --- The bench site ---------------------------------------------------------------


class BenchSite:
    """The portal, production settings, on a bench database of its own."""

    def __init__(self, db_name=DEFAULT_DB, port=DEFAULT_PORT, workers=2, extra_env=None):
        self.db_name = db_name
        self.port = port
        self.workers = workers
        self.extra_env = dict(extra_env or {})
        self.database_url_base, self.search_url = service_urls()
        self.database_url = with_database(self.database_url_base, db_name)
        self.index_prefix = db_name.replace("_", "-")
        self.folder = BENCH_ROOT / db_name
        self.base_url = f"http://127.0.0.1:{port}"

    # Settings that matter, printed under the tables.
    def described(self):
        return (
            f"portal.settings.production (DEBUG off, PORTAL_REQUIRE_MFA on, its caches), "
            f"gunicorn {self.workers} sync workers, PostgreSQL database {self.db_name}, "
            f"Elasticsearch alias {self.index_prefix}"
        )

    def env(self):
        env = {
            key: value
            for key, value in os.environ.items()
            # The helper/test environment must not leak into the production settings.
            if key not in {"DJANGO_SETTINGS_MODULE", "PORTAL_TEST_DB_NAME", "SEARCH_INDEX_PREFIX"}
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "portal.settings.production",
                "DJANGO_DEBUG": "false",
                "DJANGO_SECRET_KEY": self._secret_key(),
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DATABASE_URL": self.database_url,
                "ELASTICSEARCH_URL": self.search_url,
                "SEARCH_INDEX_PREFIX": self.index_prefix,
                "EMAIL_URL": "dummymail://",
                "DJANGO_STATIC_ROOT": str(self.folder / "static"),
                "DJANGO_MEDIA_ROOT": str(self.folder / "media"),
                "PORTAL_PRIVATE_MEDIA_ROOT": str(self.folder / "private"),
                # Where the portal keeps state outside PostgreSQL (the page cache and
                # the hotlines file, issue 13 item 1): the bench's own, dropped with it.
                "PORTAL_STATE_DIR": str(self.folder / "state"),
                "PORTAL_BASE_URL": self.base_url,
                "WAGTAILADMIN_BASE_URL": self.base_url,
                "DJANGO_LOG_LEVEL": "WARNING",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def _secret_key(self):
        path = self.folder / "secret-key"
        if not path.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(40))
        return path.read_text().strip()

    def manage(self, *args):
        """``manage.py`` with the bench settings; the output only on failure."""
        result = subprocess.run(
            [str(PORTAL_PYTHON), "manage.py", *args],
            env=self.env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
            raise SystemExit(f"manage.py {' '.join(args)} failed (exit {result.returncode})")
        return result.stdout

    def _admin(self, action):
        admin_url = with_database(self.database_url_base, "postgres")
        return portal_python(_ADMIN_SQL, self.env(), admin_url, action, self.db_name).strip()

    def prepare(self):
        """Create, migrate and fill the bench database unless a kept one is
        there (``--keep-db`` of an earlier run): then reuse it as it is."""
        marker = self.folder / "demo-loaded"
        existed = self._admin("create") == "yes"
        if existed and marker.exists():
            say(f"reusing the kept bench database {self.db_name} (--drop-db to start afresh)")
            self.manage("migrate", "--no-input")
            return
        if existed:  # half made by an interrupted run: start afresh
            self.drop(quiet=True)
            self._admin("create")
        say(f"database {self.db_name}: created, migrating")
        started = time.perf_counter()
        self.manage("migrate", "--no-input")
        self.manage("createcachetable")
        say(f"migrated in {time.perf_counter() - started:.0f}s; collecting static files")
        self.manage("collectstatic", "--no-input")
        say("loading the demo content and building its search index (load_demo, about a minute)")
        started = time.perf_counter()
        output = self.manage("load_demo", "--force")
        index_line = next(
            (line for line in output.splitlines() if line.strip().startswith("index ")), ""
        )
        say(f"demo loaded in {time.perf_counter() - started:.0f}s; {index_line.strip()}")
        marker.touch()

    def drop(self, quiet=False):
        self._admin("drop")
        indices = drop_indices(self.search_url, self.index_prefix)
        shutil.rmtree(self.folder, ignore_errors=True)
        if not quiet:
            say(f"dropped the bench database {self.db_name}, {indices} indices and its files")

    def django_script(self, code, *args):
        """Run Django code against the bench database; returns its stdout."""
        preamble = "import django; django.setup()\n"
        return portal_python(preamble + code, self.env(), *args)


# --- gunicorn -------------------------------------------------------------------


class Gunicorn:
    """The portal under gunicorn, as the Dockerfile runs it (sync workers)."""

    def __init__(self, site):
        self.site = site
        self.process = None
        self.log_path = site.folder / "gunicorn.log"

    def start(self):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", self.site.port)) == 0:
                raise SystemExit(
                    f"Something already listens on port {self.site.port}: pass --port."
                )
        say(f"starting gunicorn ({self.site.workers} workers) on {self.site.base_url}")
        self.site.folder.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.site.port}",
                "--workers",
                str(self.site.workers),
                # Several gunicorns may run on this machine: no shared control socket.
                "--no-control-socket",
            ],
            env=self.site.env(),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped at start:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                if get(self.site.port, "/healthz/")[0] == 200 and len(self.worker_pids()) >= (
                    self.site.workers
                ):
                    return self
            time.sleep(0.5)
        self.stop()
        raise SystemExit(f"gunicorn did not answer /healthz/ within 90 s:\n{self.log_tail()}")

    def log_tail(self, lines=30):
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def worker_pids(self):
        """The master's children, from /proc."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                # Fields after the command (which may hold spaces): state, ppid, ...
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                if ppid == self.process.pid:
                    pids.append(int(entry.name))
        return sorted(pids)

    def worker_memory_mb(self):
        """{pid: resident MB} of every worker (VmRSS)."""
        sizes = {}
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes[pid] = int(line.split()[1]) / 1024
        return sizes

    def worker_cpu_seconds(self):
        """CPU time (user + system) the workers have used so far: on a machine
        shared with other work, CPU per request is swayed less than latency."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # graceful: workers finish their request
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        say("gunicorn stopped")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def get(port, path, headers=None, timeout=30):
    """(status, body) of one GET, as the proxy would forward it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={**PROXY_HEADERS, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# --- What to print under a table -----------------------------------------------------


def machine():
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, IndexError, ValueError):
        total_kb = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        memory = f", {total_kb / 1024 / 1024:.1f} GB RAM"
    return f"{os.cpu_count()} CPUs ({model or 'unknown model'}){memory}; load generator on the same machine"


def commit():
    def git(*args):
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()

    described = git("rev-parse", "--short", "HEAD") or "unknown"
    if git("status", "--porcelain", "--untracked-files=no"):
        described += " (with uncommitted changes)"
    return f"{described} on {git('rev-parse', '--abbrev-ref', 'HEAD')}"


# --- In process (the test client benchmarks) -------------------------------------


@contextlib.contextmanager
def in_process_database(suffix, *, load_demo=False, keep=False):
    """A database of its own for a benchmark that measures in this process:
    named after the test database plus ``suffix``, created and migrated like the
    test suite's, an index alias of its own; all removed at the end unless
    ``keep`` (to look at them afterwards; the next run starts afresh)."""
    import io
    import uuid

    import django
    from django.conf import settings

    base_name = settings.DATABASES["default"].get("TEST", {}).get("NAME") or (
        "test_" + str(settings.DATABASES["default"]["NAME"])
    )
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        settings.DATABASES["default"]["TEST"] = {"NAME": ""}  # in memory
    else:
        settings.DATABASES["default"]["TEST"] = {"NAME": f"{base_name}_{suffix}"}
    settings.DEBUG = False
    settings.SEARCH_INDEX_PREFIX = f"{settings.SEARCH_INDEX_PREFIX}-{suffix}-{uuid.uuid4().hex[:8]}"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    django.setup()

    from django.core.management import call_command
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment()
    say(f"database: creating {settings.DATABASES['default']['TEST']['NAME'] or 'in-memory'}")
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        if load_demo:
            say("demo content: loading (about a minute)")
            call_command("load_demo", force=True, stdout=io.StringIO())
        yield
    finally:
        if keep:
            say(
                f"kept: database {settings.DATABASES['default']['NAME']}, "
                f"index alias {settings.SEARCH_INDEX_PREFIX}"
            )
        else:
            cleanup_index()
            teardown_databases(old_config, verbosity=0)
            say("cleaned up: bench database and index removed")


def cleanup_index():
    """Remove the in-process benchmark's index alias and its indices."""
    from portal.search.client import get_client
    from portal.search.index import alias_name

    client = get_client()
    if client is None:
        return
    names = client.indices.get(
        index=f"{alias_name()}-*,{alias_name()}", allow_no_indices=True, ignore_unavailable=True
    )
    for name in names:
        client.options(ignore_status=404).indices.delete(index=name)
