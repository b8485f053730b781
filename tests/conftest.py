"""Suite-wide fixtures. The suite talks to a real PostgreSQL and a real
Elasticsearch (`make test` starts both); a missing service stops the run at once
instead of skipping tests."""

import copy
import hashlib
import importlib.metadata
import inspect
import io
from contextlib import contextmanager
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TransactionTestCase, override_settings

from portal.search.client import get_client, server_version
from portal.search.rebuild import rebuild
from tests import db_rows
from tests.home.builders import make_site
from tests.search_indices import remove_indices


def _postgres_version():
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise RuntimeError(f"the test database is {db['ENGINE']}, not PostgreSQL")
    conn = psycopg2.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"],
        dbname=db["NAME"],
        connect_timeout=5,
    )
    try:
        with conn.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0].split()[0]
    finally:
        conn.close()


def _service_versions():
    try:
        pg = _postgres_version()
    except Exception as exc:
        raise pytest.UsageError(
            f"PostgreSQL is not reachable ({exc}). Start it with `make services` and "
            "export the DATABASE_URL it prints, or run the whole suite with `make test`."
        ) from exc
    client = get_client()
    if client is None:
        raise pytest.UsageError("ELASTICSEARCH_URL is empty; the suite needs Elasticsearch.")
    try:
        es = server_version(client)
    except Exception as exc:
        raise pytest.UsageError(
            f"Elasticsearch at {settings.ELASTICSEARCH_URL} is not reachable ({exc}). Start it "
            "with `make services`, or run the whole suite with `make test`."
        ) from exc
    return pg, es


def pytest_report_header(config):
    pg, es = _service_versions()
    return [f"services: postgresql {pg}, elasticsearch {es}"]


# --- A test database kept between runs (pyproject: --reuse-db) -----------------------
# pytest-django's --reuse-db keeps the database and Django still applies new
# migrations to it, but it would not notice an edited or removed migration, nor
# an interrupted run. So the database carries a stamp: the migrations it was
# built from, written only when a run leaves it as the migrations made it.
# Without a matching stamp it is built again, as with --create-db.

ROOT = Path(__file__).resolve().parents[1]
_STAMP_TABLE = "pytest_reuse_stamp"


def _migrations_key():
    digest = hashlib.sha256()
    # Third-party apps' migrations change only with their versions.
    installed = sorted(
        f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()
    )
    digest.update("\n".join(installed).encode())
    for path in sorted(ROOT.glob("portal/**/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def connect_to(dbname):
    """A plain psycopg2 connection to ``dbname`` on the suite's server, outside
    Django's connection handling (for work on a database Django is not using)."""
    db = settings.DATABASES["default"]
    return psycopg2.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"],
        dbname=dbname,
        connect_timeout=5,
    )


def _test_db_connect():
    return connect_to(connection.creation._get_test_db_name())


def _stamp():
    try:
        conn = _test_db_connect()
    except psycopg2.OperationalError:
        return None  # no test database yet
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [_STAMP_TABLE])
            if cursor.fetchone()[0] is None:
                return None
            cursor.execute(f"SELECT key FROM {_STAMP_TABLE}")  # noqa: S608 (a constant)
            row = cursor.fetchone()
            return row[0] if row else None
    finally:
        conn.close()


def _write_stamp(key):
    """Stamp the test database (``key``), or remove the stamp (None)."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {_STAMP_TABLE} (key text)")
        cursor.execute(f"DELETE FROM {_STAMP_TABLE}")  # noqa: S608 (a constant)
        if key is not None:
            cursor.execute(f"INSERT INTO {_STAMP_TABLE} VALUES (%s)", [key])  # noqa: S608


@pytest.fixture(scope="session")
def django_db_createdb(request, django_db_modify_db_settings):
    """Build the test database again unless --reuse-db finds it as the
    current migrations left it (see above)."""
    if request.config.getvalue("create_db"):
        return True
    if not request.config.getvalue("reuse_db"):
        return False
    return _stamp() != _migrations_key()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """pytest-django's setup, the cache tables, a copy of the rows the
    migrations made (INITIAL_ROWS, see below), then the stamp: removed while
    the run uses the database (an interrupted run leaves none), written back
    at the end, when the database again holds what the migrations made."""
    reuse = request.config.getvalue("reuse_db")
    with django_db_blocker.unblock():
        if reuse:
            _write_stamp(None)
        _create_cache_tables()
        INITIAL_ROWS.take()
    yield
    if reuse:
        with django_db_blocker.unblock():
            _write_stamp(_migrations_key())


def _create_cache_tables():
    """The tables of the database caches: the tests that use them
    (`database_caches`) switch them on after the database was set up with the
    in-memory ones."""
    with override_settings(CACHES=settings.DATABASE_CACHES):
        call_command("createcachetable", verbosity=0)


# --- Transactional tests leave the rows the migrations made --------------------------
# A transactional test (browser tests, on-commit hooks) commits, so Django
# empties every table after it, the rows the data migrations made included
# (groups, permissions, Wagtail's root page and locales), and pytest-django
# runs such tests last so the others never see the emptied database. That
# order does not hold under pytest-xdist, and serialized_rollback (Django's
# answer) re-reads a JSON dump of the whole database before each such test.
# Instead the migrations' rows are copied once per run into a schema of
# their own, and every transactional test ends by emptying the tables and
# copying them back: a few SQL statements, and every test, on any worker, in
# any order, starts from what the migrations made.

INITIAL_ROWS = db_rows.RowsCopy("pytest_initial_rows")


def _restore_initial_rows(self):
    """Takes the place of TransactionTestCase._fixture_teardown (a flush)."""
    if self._databases_names(include_mirrors=False) != ["default"]:
        raise NotImplementedError("the suite has one database")
    INITIAL_ROWS.restore()


TransactionTestCase._fixture_teardown = _restore_initial_rows


def _is_transactional(item):
    marker = item.get_closest_marker("django_db")
    return (
        "transactional_db" in item.fixturenames
        or "live_server" in item.fixturenames
        or (marker is not None and marker.kwargs.get("transaction", False))
    )


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters, cached pages and renditions live in caches; start
    each test clean. They are in memory in tests (portal/settings/test.py), so
    this costs no query and no test needs the database for it."""
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def database_caches(db):
    """The production caches on the database (settings.DATABASE_CACHES), for
    tests about the database cache itself or that count a page's queries,
    emptied first."""
    with override_settings(CACHES=settings.DATABASE_CACHES):
        for alias in settings.CACHES:
            caches[alias].clear()
        yield


@contextmanager
def module_data(request, django_db_blocker):
    """Data made once for a whole module (like Django's setUpTestData): a
    transaction that every test of the module nests in (each test's own changes
    are still rolled back after it, by its savepoint) and that is rolled back
    when the module is done, so the next module starts from the same empty
    database. Use it from a module-scoped fixture; the module's tests must not
    be transactional (a flush would delete the data under the others)."""
    for item in request.session.items:
        if item.module is not request.module:
            continue
        if _is_transactional(item):
            raise pytest.UsageError(f"{item.nodeid} is transactional: it cannot share module data")
        if "demo_rows" in item.fixturenames:
            # Loaded and copied with commits: before the module's transaction.
            request.getfixturevalue("demo_rows")
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def per_module(name, build, doc):
    """Two fixtures for data the tests of a module share, as Django's
    setUpTestData does: ``name`` gives each test its own deep copy of what
    ``build()`` made once for the module, in the module's transaction
    (module_data); each test's changes to the rows still roll back with its
    savepoint. Assign both to names in a conftest or test module:

        _module_world, world = per_module("world", referral_world, "...")

    The rows stay from the first test that asks for them to the end of the
    module, so the tests after it that do not ask see them too: share only
    what every test of the module expects or does not mind. In a module where
    a test commits (transactional, live_server), each test builds its own."""
    shared = f"_module_{name.lstrip('_')}"

    @pytest.fixture(scope="module", name=shared)
    def module_fixture(request, django_db_setup, django_db_blocker):
        module = request.module
        items = [item for item in request.session.items if item.module is module]
        if any(_is_transactional(item) for item in items):
            yield None
            return
        with module_data(request, django_db_blocker):
            with django_db_blocker.unblock():
                built = build()
            yield built

    def test_fixture(db, **fixtures):
        built = fixtures[shared]
        return build() if built is None else copy.deepcopy(built)

    # pytest reads a fixture's arguments from its signature: the module
    # fixture is named there, so pytest sets it up before the test's
    # transaction begins.
    test_fixture.__signature__ = inspect.Signature(
        [
            inspect.Parameter("db", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter(shared, inspect.Parameter.KEYWORD_ONLY),
        ]
    )
    test_fixture.__doc__ = doc
    return module_fixture, pytest.fixture(name=name)(test_fixture)


_module_site, site = per_module(
    "site",
    make_site,
    """Russian and English home pages with every section, nothing else
    (tests/home/builders.make_site): building the pages takes seconds, so
    once per module.""",
)


# --- The demo, loaded once per run -------------------------------------------------
# `manage.py load_demo` takes 15 to 25 seconds here, and a dozen modules only
# need the demo to be there. It is loaded once per run (per xdist worker) and
# its rows copied into a schema of their own; `demo_once` (a module) and
# `demo` (a test) put them back in a fraction of a second and build the search
# index from them, as load_demo's last step does. Its files stay where it
# wrote them (the run's MEDIA_ROOT and PRIVATE_MEDIA_ROOT). Tests of load_demo
# itself (a first run, a second run over an existing demo) still run it.


class DemoRows(db_rows.RowsCopy):
    def restore(self, *, search_index=True):
        super().restore()
        if search_index and get_client() is not None:
            rebuild()


@pytest.fixture(scope="session")
def demo_rows(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if connection.in_atomic_block:
            raise pytest.UsageError(
                "the demo is first needed inside a transaction (a module's data?); "
                "request demo_rows before it"
            )
        # Without Elasticsearch: the copy holds the database search, and each
        # restore builds the index of the alias in use at that moment.
        with override_settings(DEBUG=True, ELASTICSEARCH_URL=""):
            call_command("load_demo", stdout=io.StringIO())
        demo = DemoRows("pytest_demo_rows")
        demo.take()
        INITIAL_ROWS.restore()
    return demo


@pytest.fixture(scope="module")
def demo_once(request, demo_rows, django_db_blocker):
    """The demo for the whole module (see module_data)."""
    with module_data(request, django_db_blocker):
        with django_db_blocker.unblock():
            demo_rows.restore()
        yield


@pytest.fixture
def demo(db, demo_rows):
    """The demo for one test, rolled back after it."""
    demo_rows.restore()


@pytest.fixture(autouse=True, scope="session")
def _remove_this_runs_indices():
    """Tests that load the demo or publish pages write to this run's own alias
    (SEARCH_INDEX_PREFIX); remove it and its indices when the run ends, so runs
    leave nothing behind on a shared node."""
    yield
    remove_indices(settings.SEARCH_INDEX_PREFIX)
