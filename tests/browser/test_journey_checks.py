"""The journeys' own accessibility check catches what it is for: a page with
serious violations fails `Journey.assert_accessible`, naming the rules, and a
clean page passes, checked once or twice in the same document. axe-core is put
into each new document it checks (a navigation leaves the old one behind)."""

from urllib.parse import quote

import pytest

from tests.browser.journey import Journey

_HEAD = "<!doctype html><html lang='ru'><head><meta charset='utf-8'><title>Страница</title></head>"
CLEAN = _HEAD + "<body><main><h1>Заголовок</h1><p>Текст страницы.</p></main></body></html>"
# An image without a text alternative and a field without a label: both
# critical in WCAG 2 A.
BROKEN = (
    _HEAD + "<body><main><h1>Заголовок</h1>"
    "<img src='data:image/gif;base64,R0lGODlhAQABAAAAACw='>"
    "<form><input type='text' name='q'></form></main></body></html>"
)


def _open(page, html):
    page.goto("data:text/html;charset=utf-8," + quote(html))


def test_the_accessibility_check_passes_a_clean_page_and_fails_a_broken_one(
    desktop, live_server, screenshot
):
    journey = Journey(desktop, live_server.url, screenshot, "desktop")
    _open(desktop, CLEAN)
    journey.assert_accessible("clean")
    journey.assert_accessible("clean, checked again")

    _open(desktop, BROKEN)
    with pytest.raises(AssertionError) as failure:
        journey.assert_accessible("broken")
    message = str(failure.value)
    assert "image-alt (critical)" in message
    assert "label (critical)" in message
