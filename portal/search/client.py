"""The one place that knows how to reach Elasticsearch.

Elastic's test distribution (used by the test suite) has no root "GET /" handler,
so nothing here relies on ``info()`` or ``ping()``: versions and liveness come from
the nodes and cluster health APIs, which every distribution serves.

A small circuit breaker remembers, per process, that Elasticsearch just failed
(it did not answer, timed out or answered with a server error; a query it
refused with a 400 does not count, see is_query_rejection):
for a few seconds after a failure, searches go straight to the database fallback
and edits leave their index work to the queue, instead of each request waiting
for the same timeout.
"""

import threading
import time
from functools import lru_cache

from django.conf import settings
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch

# What "Elasticsearch did not answer properly" looks like to the client:
# connection refused, timeouts (TransportError) and error statuses (ApiError).
ELASTICSEARCH_ERRORS = (TransportError, ApiError)


# A 400 means the node is up, understood the request and refused this one
# query (a parse error, too many clauses, a result window too deep). That says
# nothing about the node's health, so it must not open the circuit, and
# answering from the database instead would only hide the faulty query. Every
# other error status (401/403 configuration, 404 missing index, 429 overload,
# 5xx) and every connection error or timeout counts as a failure.
QUERY_REJECTED_STATUSES = frozenset({400})


def is_query_rejection(exc):
    """True when Elasticsearch refused the query itself (see above)."""
    return isinstance(exc, ApiError) and exc.meta.status in QUERY_REJECTED_STATUSES


def is_configured():
    return bool(settings.ELASTICSEARCH_URL)


@lru_cache(maxsize=4)
def _client_for(url, timeout):
    return Elasticsearch(
        url,
        request_timeout=timeout,
        # A short retry covers a node that is restarting; longer outages are the
        # indexing queue's business, not the request's.
        max_retries=1,
        retry_on_timeout=False,
    )


def get_client():
    """The configured client, or None when no Elasticsearch is configured."""
    if not is_configured():
        return None
    return _client_for(settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_TIMEOUT)


def query_client():
    """The client for a visitor's search: a shorter timeout and no retry, since
    the database fallback is the better answer than a slow one."""
    client = get_client()
    if client is None:
        return None
    return client.options(request_timeout=settings.SEARCH_QUERY_TIMEOUT, max_retries=0)


def server_version(client=None):
    """The version string of the node the client talks to."""
    client = client or get_client()
    nodes = client.nodes.info(node_id="_local", filter_path="nodes.*.version")
    return next(iter(nodes["nodes"].values()))["version"]


def is_reachable(client=None):
    client = client or get_client()
    if client is None:
        return False
    try:
        client.options(
            request_timeout=settings.SEARCH_QUERY_TIMEOUT, max_retries=0
        ).cluster.health()
    except ELASTICSEARCH_ERRORS:
        return False
    return True


class CircuitBreaker:
    """Open for ``settings.SEARCH_CIRCUIT_SECONDS`` after a failure."""

    def __init__(self):
        self._lock = threading.Lock()
        self._open_until = 0.0

    def is_open(self):
        return time.monotonic() < self._open_until

    def record_failure(self):
        with self._lock:
            self._open_until = time.monotonic() + settings.SEARCH_CIRCUIT_SECONDS

    def record_success(self):
        with self._lock:
            self._open_until = 0.0

    reset = record_success


circuit = CircuitBreaker()
