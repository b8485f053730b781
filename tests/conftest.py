"""Suite-wide fixtures. The suite talks to a real PostgreSQL and a real
Elasticsearch (`make test` starts both); a missing service stops the run at once
instead of skipping tests."""

import io
from contextlib import contextmanager

import psycopg2
import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from portal.search.client import get_client, server_version


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


@pytest.fixture(autouse=True)
def _clear_cache(db):
    """Rate-limit counters, cached pages and renditions live in caches; start
    each test clean."""
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
        marker = item.get_closest_marker("django_db")
        if (
            "transactional_db" in item.fixturenames
            or "live_server" in item.fixturenames
            or (marker is not None and marker.kwargs.get("transaction"))
        ):
            raise pytest.UsageError(f"{item.nodeid} is transactional: it cannot share module data")
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def demo_once(request, django_db_setup, django_db_blocker):
    """`manage.py load_demo` once for the module, for tests that only need the
    demo there (a full load takes 15 to 25 seconds here); see module_data."""
    with module_data(request, django_db_blocker):
        with django_db_blocker.unblock(), override_settings(DEBUG=True):
            call_command("load_demo", stdout=io.StringIO())
        yield


@pytest.fixture(autouse=True, scope="session")
def _remove_this_runs_indices():
    """Tests that load the demo or publish pages write to this run's own alias
    (SEARCH_INDEX_PREFIX); remove it and its indices when the run ends, so runs
    leave nothing behind on a shared node."""
    yield
    prefix = settings.SEARCH_INDEX_PREFIX
    client = get_client()
    names = client.indices.get(
        index=f"{prefix},{prefix}-*", allow_no_indices=True, ignore_unavailable=True
    )
    for name in names:
        client.options(ignore_status=404).indices.delete(index=name)
