"""A query Elasticsearch refuses (400) is not an outage.

The circuit breaker sends searches to the database for a while after
Elasticsearch failed. A 400 means the node is up and refused this one query:
if that opened the breaker, one crafted request would switch everybody to the
slower fallback, and the fallback would hide the faulty query. So a 400 gets a
clear message to the person, an error in the log, a closed breaker and no
fallback; the next search uses Elasticsearch. Everything else (connection
refused, timeouts, a missing index, server errors) still counts as a failure.

All against the real node: the 400s are real refusals (a result window past
the index's max_result_window), never mocked.
"""

import pytest

from portal.core.audience import PUBLIC
from portal.search import index, query, queue
from portal.search.client import circuit, get_client
from portal.search.registry import SearchEntry
from portal.search.results import SearchParams

pytestmark = pytest.mark.django_db

REFUSED = "This search could not be run. Try fewer or simpler words"


@pytest.fixture
def shelters(es_index, test_sources):
    queue.index_entries(
        [
            SearchEntry(
                kind="note",
                object_id=str(n),
                title=f"Shelter number {n}",
                url=f"/note/{n}/",
                audiences=(PUBLIC,),
            )
            for n in range(3)
        ],
        refresh=True,
    )


def _set_result_window(size):
    get_client().indices.put_settings(
        index=index.alias_name(), settings={"index": {"max_result_window": size}}
    )


def test_a_query_the_cluster_refuses_does_not_open_the_breaker(client, shelters, caplog):
    # A crafted page far past the result window: the form would refuse it, the
    # search function passes it on, and the node answers 400.
    with pytest.raises(query.SearchRejected, match="Result window is too large"):
        query.search(SearchParams(q="shelter", page=10**6), {PUBLIC})
    assert not circuit.is_open()
    assert "refused the search query (circuit stays closed)" in caplog.text
    assert "using the database fallback" not in caplog.text

    response = client.get("/search/", {"q": "shelter"})
    assert response.status_code == 200
    assert response.context["results"].backend == "elasticsearch"
    assert response.context["results"].total == 3


def test_a_refused_search_tells_the_person_and_hides_nothing_behind_the_fallback(client, shelters):
    _set_result_window(10)  # smaller than a page of 20: every search is refused
    page = client.get("/search/", {"q": "shelter"})
    assert page.status_code == 400
    assert REFUSED in page.content.decode()
    assert page.context["results"] is None
    assert b"reduced mode" not in page.content
    suggest = client.get("/search/suggest/", {"q": "shel"})
    assert suggest.status_code == 400
    assert suggest.json()["suggestions"] == []
    assert suggest.json()["error"].startswith(REFUSED)
    assert not circuit.is_open()

    _set_result_window(10_000)
    page = client.get("/search/", {"q": "shelter"})
    assert page.status_code == 200
    assert page.context["results"].backend == "elasticsearch"
    assert page.context["results"].total == 3
    suggestions = client.get("/search/suggest/", {"q": "shel"}).json()["suggestions"]
    assert len(suggestions) == 3


def test_a_missing_index_still_counts_as_a_failure(client, shelters, caplog):
    """Not every 4xx is the query's fault: a 404 says the index is gone, so the
    breaker opens and the database answers."""
    client_es = get_client()
    for name in index.indices_behind(index.alias_name(), client_es):
        client_es.indices.delete(index=name)
    response = client.get("/search/", {"q": "shelter"})
    assert response.status_code == 200
    assert response.context["results"].backend == "database"
    assert response.context["results"].total == 3
    assert circuit.is_open()
    assert "using the database fallback" in caplog.text
