"""Searching: one entry point, Elasticsearch first, the database as fallback.

Both backends take the asker's audience tokens (portal.core.audience.
audiences_for, computed fresh for every request) and apply them inside the
query, to hits, totals, facets and suggestions alike: nothing the asker may not
see is ever fetched, so nothing has to be dropped afterwards.
"""

import logging

from django.conf import settings

from . import db_search, es_search
from .client import ELASTICSEARCH_ERRORS, circuit, is_query_rejection, query_client
from .models import PendingIndexOperation
from .results import SUGGEST_LIMIT

logger = logging.getLogger(__name__)


class SearchRejected(Exception):
    """Elasticsearch refused the query itself (a 400). The asker is told the
    search could not be run; the breaker stays closed and the database does
    not answer instead, so the faulty query shows in the log and to the
    person rather than being hidden by the fallback."""


def _failed(exc, what):
    if is_query_rejection(exc):
        logger.error(
            "search: Elasticsearch refused the %s query (circuit stays closed): %s", what, exc
        )
        raise SearchRejected(str(exc)) from exc
    circuit.record_failure()
    logger.warning("search: %s failed, using the database fallback: %s", what, exc)


def _elasticsearch_to_ask():
    """The client to search with, or None when the database must answer: no
    Elasticsearch, the circuit is open, or the index lags behind the database.

    Changes that failed to reach Elasticsearch wait in the queue with backoff;
    until they are applied the index may still hold a withdrawn report or a
    hidden discussion, while the mirror (written first) is current. So while
    any change waits after a failure, the mirror answers."""
    client = query_client()
    if client is None or circuit.is_open():
        return None
    if PendingIndexOperation.objects.filter(attempts__gt=0).exists():
        return None
    return client


def search(params, tokens):
    """Search as someone holding ``tokens``. When Elasticsearch is down or
    failing the database answers instead; when it refuses the query itself,
    SearchRejected is raised."""
    tokens = frozenset(tokens)
    client = _elasticsearch_to_ask()
    if client is not None:
        try:
            results = es_search.search(client, params, tokens)
        except ELASTICSEARCH_ERRORS as exc:
            _failed(exc, "search")
        else:
            circuit.record_success()
            return results
    return db_search.search(params, tokens)


def suggest(q, tokens, limit=SUGGEST_LIMIT):
    """Titles and URLs for autocomplete: [{"title", "url", "kind"}]."""
    tokens = frozenset(tokens)
    q = (q or "").strip()[: settings.SEARCH_MAX_QUERY_CHARS]
    if not q:
        return []
    client = _elasticsearch_to_ask()
    if client is not None:
        try:
            return es_search.suggest(client, q, tokens, limit)
        except ELASTICSEARCH_ERRORS as exc:
            _failed(exc, "suggest")
    return db_search.suggest(q, tokens, limit)
