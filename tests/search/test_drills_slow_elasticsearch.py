"""Drill: Elasticsearch answers, but slower than the search timeout
(settings.SEARCH_QUERY_TIMEOUT). The real node sits behind a forwarder that
holds its replies (tests/search/forwarder.py, ``delay``).

A visitor's search then answers from the database within about the timeout
and says it is in reduced mode; for the next seconds (the circuit breaker)
pages do not wait at all. Edits made meanwhile reach the database mirror at
once, wait in the queue for the index, and are applied once the node is fast
again: once, not twice.
"""

import time
from io import StringIO

import pytest
from django.core.management import call_command

from portal.search import index
from portal.search.client import circuit, get_client
from portal.search.models import PendingIndexOperation, SearchRecord
from tests.factories import make_workspace
from tests.faults import index_state

from .forwarder import Forwarder

pytestmark = pytest.mark.django_db

TIMEOUT = 0.5  # seconds: SEARCH_QUERY_TIMEOUT for these tests
SLOWNESS = 3.0  # seconds each reply of the node is held
# Time a page may take beyond the timeout itself: the database fallback and
# the page (generous, on a machine shared by parallel runs).
PAGE_MARGIN = 1.5


@pytest.fixture
def node(settings, es_prefix):
    """The real node behind a forwarder; ``node.delay`` makes it slow."""
    proxy = Forwarder.to(settings.ELASTICSEARCH_URL).start()
    settings.ELASTICSEARCH_URL = proxy.url
    settings.SEARCH_QUERY_TIMEOUT = TIMEOUT
    index.ensure_index()
    yield proxy
    proxy.stop()


@pytest.fixture
def shelter(node, test_sources, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        workspace = make_workspace(name="Slow node shelter")
    index.refresh()
    return workspace


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_a_slow_node_makes_search_answer_from_the_database_within_the_timeout(
    client, node, shelter
):
    client.force_login(shelter.memberships.get().user)
    fast, _ = timed(lambda: client.get("/search/", {"q": "shelter"}))
    assert fast.context["results"].backend == "elasticsearch"

    node.delay = SLOWNESS
    response, seconds = timed(lambda: client.get("/search/", {"q": "shelter"}))

    assert response.status_code == 200
    assert seconds < TIMEOUT + PAGE_MARGIN < SLOWNESS
    assert response.context["results"].backend == "database"
    assert [h.title for h in response.context["results"].hits] == ["Slow node shelter"]
    assert b"reduced mode" in response.content
    # The next pages do not wait for the slow node at all (circuit breaker).
    assert circuit.is_open()
    asked = node.requests_forwarded
    again = client.get("/search/", {"q": "slow"})
    suggestions = client.get("/search/suggest/", {"q": "slow"})
    assert node.requests_forwarded == asked  # the slow node was not asked again
    assert again.status_code == 200
    assert again.context["results"].backend == "database"
    assert suggestions.status_code == 200
    assert [s["title"] for s in suggestions.json()["suggestions"]] == ["Slow node shelter"]


def test_the_wait_follows_the_search_timeout_setting(client, settings, node, shelter):
    node.delay = SLOWNESS
    settings.SEARCH_QUERY_TIMEOUT = 0.2
    response, seconds = timed(lambda: client.get("/search/", {"q": "shelter"}))
    assert response.status_code == 200
    assert 0.2 <= seconds < 0.2 + PAGE_MARGIN


def test_edits_during_slowness_wait_in_the_queue_and_are_applied_once_when_it_is_fast(
    client, es_prefix, node, shelter, django_capture_on_commit_callbacks
):
    node.delay = SLOWNESS
    # The edit's own request writes to the index inline, waiting at most
    # twice the search timeout, then leaves the work to the queue.
    with django_capture_on_commit_callbacks(execute=True):
        shelter.name = "Renamed while the node was slow"
        _, seconds = timed(shelter.save)
    assert seconds < 2 * TIMEOUT + PAGE_MARGIN

    row = PendingIndexOperation.objects.get(kind="note", object_id=str(shelter.pk))
    assert row.attempts == 1 and "timed out" in row.last_error.lower()
    assert SearchRecord.objects.get(doc_id=f"note-{shelter.pk}").title == (
        "Renamed while the node was slow"
    )
    client.force_login(shelter.memberships.get().user)
    during = client.get("/search/", {"q": "renamed"})
    assert during.context["results"].backend == "database"
    assert [h.title for h in during.context["results"].hits] == ["Renamed while the node was slow"]

    node.delay = 0
    circuit.reset()
    out = StringIO()
    call_command("search_index", "sync", stdout=out)

    assert "1 applied, 0 failed" in out.getvalue()
    assert not PendingIndexOperation.objects.exists()
    state = index_state(get_client(), es_prefix)
    assert state.doc_ids == [f"note-{shelter.pk}"] and state.duplicates == 0
    after = client.get("/search/", {"q": "renamed"})
    assert after.context["results"].backend == "elasticsearch"
    assert [h.title for h in after.context["results"].hits] == ["Renamed while the node was slow"]
