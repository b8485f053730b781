"""The journeys' own accessibility check catches what it is for: a page with
serious violations fails `Journey.assert_accessible`, naming the rules, and a
clean page passes, checked once or twice in the same document. axe-core comes
with every document the journey opens, and a document opened before the
journey began gets it when first checked. A step waits for a message banner
to fade in before it is pictured and checked."""

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
    _open(desktop, CLEAN)
    journey = Journey(desktop, live_server.url, screenshot, "desktop")
    assert desktop.evaluate("typeof window.axe") == "undefined"
    journey.assert_accessible("clean")
    journey.assert_accessible("clean, checked again")

    _open(desktop, BROKEN)
    assert desktop.evaluate("typeof window.axe") == "object"
    with pytest.raises(AssertionError) as failure:
        journey.assert_accessible("broken")
    message = str(failure.value)
    assert "image-alt (critical)" in message
    assert "label (critical)" in message


# A message banner as Wagtail's admin shows one, faded in once the page is
# ready (Wagtail's takes half a second; two here). The page notes the
# banner's opacity at its load event itself, before the fade begins, so
# nothing here depends on how fast the machine is.
FADING_BANNER = (
    _HEAD + "<body><style>.messages > ul { opacity: 0; transition: opacity 2s linear }"
    ".ready .messages > ul { opacity: 1 }</style>"
    "<main class='messages'><ul><li>Страница опубликована.</li></ul></main>"
    "<script>addEventListener('load', () => {"
    " window.opacityAtLoad = getComputedStyle(document.querySelector('.messages > ul')).opacity;"
    " requestAnimationFrame(() => document.body.classList.add('ready')); });</script>"
    "</body></html>"
)
_OPACITY = "() => getComputedStyle(document.querySelector('.messages > ul')).opacity"


def test_a_journey_step_waits_until_a_message_banner_has_faded_in(desktop, live_server, screenshot):
    pictured = []

    def screenshot_noting_opacity(page, step):
        pictured.append(page.evaluate(_OPACITY))
        return screenshot(page, step)

    journey = Journey(desktop, live_server.url, screenshot_noting_opacity, "desktop")
    _open(desktop, FADING_BANNER)
    assert desktop.evaluate("window.opacityAtLoad") == "0"
    journey.check("banner")
    # Pictured (and then checked by axe) only once the banner was opaque.
    assert pictured == ["1"]
