"""Past 10,000 results, Elasticsearch stops counting (the last page anyone can
open is within them anyway): the page says "More than 10,000 results" instead
of a number it does not know, and still pages through the first ones."""

import pytest

from portal.core.audience import PUBLIC
from portal.search import index
from portal.search.client import get_client
from portal.search.entries import clean
from portal.search.registry import SearchEntry
from portal.search.versions import next_version

pytestmark = pytest.mark.django_db

MANY = index.RESULT_WINDOW + 5


@pytest.fixture
def many_pages(es_index):
    client = get_client()
    version = next_version()
    entries = [
        clean(
            SearchEntry(
                kind="page",
                object_id=str(n),
                title=f"Shelter notice {n}",
                url=f"/en/notice-{n}/",
                audiences=(PUBLIC,),
                language="en",
            ),
            "page",
        )
        for n in range(MANY)
    ]
    for start in range(0, MANY, 2000):
        assert index.bulk_write(
            client, index.alias_name(), entries[start : start + 2000], (), version
        ).ok
    client.indices.refresh(index=index.alias_name())


def test_more_than_ten_thousand_results_are_announced_as_such(client, many_pages):
    response = client.get("/search/", {"q": "shelter notices", "page": "3"})

    assert response.status_code == 200
    results = response.context["results"]
    assert (results.total, results.total_is_exact) == (index.RESULT_WINDOW, False)
    assert "More than 10,000 results for “shelter notices”" in response.content.decode()
    assert len(results.hits) == 20


def test_in_russian_too(client, many_pages):
    response = client.get("/search/", {"kind": "page"}, headers={"Accept-Language": "ru"})

    # Russian groups thousands with a no-break space.
    assert "Более 10\xa0000 результатов" in response.content.decode()
