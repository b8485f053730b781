"""Suite-wide fixtures. The suite talks to a real PostgreSQL and a real
Elasticsearch (`make test` starts both); a missing service stops the run at once
instead of skipping tests."""

import psycopg2
import pytest
from django.conf import settings
from django.core.cache import caches

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
