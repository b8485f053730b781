"""A visitor who types stray punctuation, quotes or an emoji into the search
box gets a page that says what happened, on a desktop and on a phone; when
Elasticsearch refuses a query, the visitor is told so and can start again."""

import pytest
from django.utils import translation

from portal.core.audience import PUBLIC
from portal.search import index, queue
from portal.search.client import get_client
from portal.search.registry import SearchEntry
from portal.search.views import QUERY_REJECTED

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

TITLE = 'Shelter "Ömür" in Osh (24/7)'


@pytest.fixture
def shelter_index(search_index):
    """A private index on the real node with one public document."""
    queue.index_entries(
        [
            SearchEntry(
                kind="news",
                object_id="1",
                title=TITLE,
                body="Help for survivors, day and night.",
                url="/news/1/",
                audiences=(PUBLIC,),
            )
        ],
        refresh=True,
    )


def _search(page, text):
    box = page.locator("#search-q")
    box.fill(text)
    box.press("Enter")
    page.wait_for_load_state()


def _no_sideways_scroll(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_stray_punctuation_and_a_refused_query_get_a_clear_page(
    request, live_server, shelter_index, device, screenshot
):
    page = request.getfixturevalue(device)
    with translation.override("ru"):
        nothing_found = translation.gettext("Nothing found.")
        refused = str(QUERY_REJECTED)
    page.goto(f"{live_server.url}/search/")

    _search(page, '"(((*\\ 🙂')
    assert page.get_by_text(nothing_found).is_visible()
    assert _no_sideways_scroll(page)
    screenshot(page, f"{device}-punctuation")

    _search(page, '"Ömür" (((shelter')
    assert page.get_by_role("link", name=TITLE).is_visible()

    # The node refuses every search while its result window is smaller than
    # a page: the visitor is told, with no fallback results.
    get_client().indices.put_settings(
        index=index.alias_name(), settings={"index": {"max_result_window": 10}}
    )
    _search(page, "shelter")
    alert = page.get_by_role("alert")
    assert refused in alert.inner_text()
    assert page.get_by_role("link", name=TITLE).count() == 0
    assert _no_sideways_scroll(page)
    screenshot(page, f"{device}-refused")

    get_client().indices.put_settings(
        index=index.alias_name(), settings={"index": {"max_result_window": 10_000}}
    )
    alert.get_by_role("link").click()
    page.wait_for_url(f"{live_server.url}/search/")
    _search(page, "shelter")
    assert page.get_by_role("link", name=TITLE).is_visible()
