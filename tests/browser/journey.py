"""What every step of a person's journey must hold, checked the same way in
every journey test: the page fits the screen (no sideways scrolling), the
browser reported no console error and no failed request, a Russian page shows
no English words, and axe-core finds no serious or critical accessibility
violation. Each check saves a screenshot, so test-artifacts/browser/ shows the
journey step by step.

A journey is written the way the person clicks: links, buttons and forms, no
test-client shortcuts. Steps that are meant to be refused (a form with an
error answered 4xx, a link that is gone) say so with `journey.expecting(...)`.
"""

import re
from contextlib import contextmanager

from axe_playwright_python.sync_playwright import Axe

from tests.factories import DEFAULT_PASSWORD

_AXE = Axe()
# WCAG 2.1 A and AA: what public-sector sites are held to; best-practice rules
# are advice, not failures.
_AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
_AXE_VIOLATIONS = "(options) => axe.run(document, options).then((results) => results.violations)"
_FAILING_IMPACTS = {"serious", "critical"}
# Pages in these languages must show no Latin-script word left from the English
# source. Uzbek is written in Latin script, where an English word cannot be
# told from an Uzbek one by its letters: its catalogue test
# (tests/home/test_languages.py) is what keeps English out of Uzbek pages.
CYRILLIC_LANGUAGES = ("ru", "ky", "tg")

# Latin-script words that belong on a Russian page: names of languages in
# their own language (the switcher), brands and standards, units.
ALLOWED_LATIN = {
    "english",
    "русский",
    "kyrgyzcha",
    "ozbekcha",
    "o'zbekcha",
    "oʻzbekcha",
    "wagtail",
    "django",
    "openstreetmap",
    "telegram",
    "whatsapp",
    "viber",
    "signal",
    "email",
    "e-mail",
    "https",
    "http",
    "www",
    "osce",
    "iom",
    "unodc",
    "ctdc",
    "htcds",
    "ic-tip",
    "json",
    "csv",
    "xlsx",
    "pdf",
    "ics",
    "api",
    "url",
    "totp",
    "ferghana",
    "atom",
    "rss",
}
_URL_OR_EMAIL = re.compile(r"(https?://\S+|\S+@\S+|\b[\w.-]+\.(org|com|net|kg|uz|tj|ru)\b\S*)")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'ʻ-]{2,}")


def english_words(text, allowed=()):
    """Latin-script words of three letters or more that are neither allowed,
    nor acronyms (CSV, HTCDS), nor parts of an address."""
    text = _URL_OR_EMAIL.sub(" ", text)
    allowed = ALLOWED_LATIN | {word.lower() for word in allowed}
    found = []
    for word in _LATIN_WORD.findall(text):
        if word.isupper() or word.lower() in allowed:
            continue
        found.append(word)
    return found


def pdf_pages(pdf):
    """Pages of a PDF Chromium printed: its page objects (not the /Pages tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


# Wagtail's admin fades its message banner in (opacity over half a second)
# once the page is ready: a screenshot or axe's colour-contrast rule taken
# mid-fade sees half-transparent text (axe failed the green "published"
# banner now and then after a fixed pause). Every step waits for it.
_MESSAGES_SHOWN = """() => [...document.querySelectorAll(".messages > ul")].every(
    (list) => !list.children.length || getComputedStyle(list).opacity === "1")"""


def wait_for_messages(page):
    """Until every message banner on the page has faded in (at once where
    there is none)."""
    page.wait_for_function(_MESSAGES_SHOWN)


def sign_in(page, base, email, password=DEFAULT_PASSWORD):
    """Sign in through the portal's one sign-in form, as a person types it."""
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, page.locator("main").inner_text()


# The page's visible text in its own language, leaving out what is marked as
# another language (lang="en" on a search hit in English, the language
# switcher's names): that is content in its own language, not an untranslated
# label.
_TEXT_IN_LANGUAGE = """(language) => {
    const other = [...document.body.querySelectorAll("[lang]")].filter(
        (element) => !element.lang.toLowerCase().startsWith(language));
    const shown = other.map((element) => [element, element.style.display]);
    other.forEach((element) => { element.style.display = "none"; });
    const text = document.body.innerText;
    shown.forEach(([element, display]) => { element.style.display = display; });
    return text;
}"""


class Journey:
    """Wraps one Playwright page for one person's journey. Listens to the
    browser from the first request, and `check(step)` asserts everything a
    step must hold."""

    def __init__(self, page, base, screenshot, device):
        self.page = page
        self.base = base
        self.device = device
        self._screenshot = screenshot
        self._expected = []
        self._downloads = set()
        self.console_errors = []
        self.failed_requests = []
        # axe-core goes into every document as the browser makes it, once
        # handed over: sent by page.evaluate at every step, its 570 KB passed
        # through Playwright's driver and Chromium's browser process each
        # time, a third of a journey's CPU.
        page.add_init_script(_AXE.axe_script)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"page error: {error}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)
        page.on("download", lambda download: self._downloads.add(download.url))

    # --- listeners -------------------------------------------------------------

    def _on_console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)

    def _on_request_failed(self, request):
        # Chromium asks for the icon after the page has loaded; a step that
        # moves on at once (signing in, a link clicked) cancels that request.
        # Nobody sees it, and a missing icon would still fail as a 404 below.
        if request.failure == "net::ERR_ABORTED" and "/favicon." in request.url:
            return
        self.failed_requests.append(f"{request.method} {request.url}: {request.failure}")

    def _on_response(self, response):
        if response.status < 400:
            return
        for status, pattern in self._expected:
            if response.status == status and re.search(pattern, response.url):
                return
        self.failed_requests.append(f"{response.request.method} {response.url}: {response.status}")

    @contextmanager
    def expecting(self, status, url_pattern=""):
        """A step whose refusal is the point: a response with this status
        (and a URL matching the pattern) is not counted as a failure, and the
        browser's own console line about it neither."""
        self._expected.append((status, url_pattern))
        try:
            yield
        finally:
            self.page.wait_for_load_state()
            self._expected.remove((status, url_pattern))
            self.console_errors = [
                line for line in self.console_errors if f"status of {status}" not in line
            ]

    # --- steps ---------------------------------------------------------------

    def goto(self, path):
        self.page.goto(path if path.startswith("http") else f"{self.base}{path}")
        self.page.wait_for_load_state()

    def open_admin_menu(self, menu, item, *, exact=False):
        """Through the Wagtail admin's side menu: ``menu``, then its ``item``
        (``exact`` where an item has the menu's own name). On a phone the
        menu is folded and opens from its toggle first."""
        page = self.page
        toggle = page.locator(
            "button[aria-label][aria-expanded='false'].sidebar__collapse-toggle, "
            "button[data-sidebar-toggle], .sidebar-nav-toggle"
        )
        if self.device == "phone" and toggle.count() and toggle.first.is_visible():
            toggle.first.click()
        page.get_by_role("button", name=menu, exact=exact).first.click()
        page.get_by_role("link", name=item, exact=exact).first.click()
        page.wait_for_load_state()

    def check(self, step, *, language="ru", allowed_words=(), axe=True):
        page = self.page
        page.wait_for_load_state()
        wait_for_messages(page)
        self._screenshot(page, f"{self.device}-{step}")
        # Against the device's width, not window.innerWidth: a mobile browser
        # widens its layout viewport (and innerWidth) to content that overflows,
        # so innerWidth would hide exactly the sideways scrolling looked for.
        width = [page.evaluate("document.documentElement.scrollWidth"), page.viewport_size["width"]]
        assert width[0] <= width[1], (
            f"{step}: the page scrolls sideways ({width[0]} > {width[1]} px)"
        )
        failed = [
            line for line in self.failed_requests if not any(url in line for url in self._downloads)
        ]
        assert not failed, f"{step}: failed requests {failed}"
        assert not self.console_errors, f"{step}: console errors {self.console_errors}"
        assert page.evaluate("document.documentElement.lang") == language, step
        if language in CYRILLIC_LANGUAGES:
            words = english_words(page.evaluate(_TEXT_IN_LANGUAGE, language), allowed_words)
            assert not words, f"{step}: English words on a page in {language}: {sorted(set(words))}"
        if axe:
            self.assert_accessible(step)
        self.failed_requests.clear()
        self.console_errors.clear()

    def assert_accessible(self, step):
        page = self.page
        # Only the violations come back: the whole result, with the rules
        # that passed or did not apply, is some 40 KB to carry and parse at
        # every step. A document the init script did not reach (one opened
        # before the journey began) gets axe-core here.
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(_AXE.axe_script)
        violations = page.evaluate(_AXE_VIOLATIONS, _AXE_OPTIONS)
        serious = [
            f"{violation['id']} ({violation['impact']}): "
            + "; ".join(
                node["target"][0] if node["target"] else "?" for node in violation["nodes"][:3]
            )
            for violation in violations
            if violation["impact"] in _FAILING_IMPACTS
        ]
        assert not serious, f"{step}: accessibility violations {serious}"
