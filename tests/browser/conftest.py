"""Browser tests: Playwright (sync API) driving Debian's Chromium against
pytest-django's live server. Each test saves screenshots under
test-artifacts/browser/ (ignored by git) for a person to look at."""

import asyncio
import os
import re
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from portal.search import index
from tests.search_indices import private_alias

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


_RUNNING = {}


def _chromium():
    """One Chromium for the whole run (starting one per test cost seconds
    each), started by the first browser test after its database fixtures;
    each test gets a fresh context of its own (no cookies, storage or cache
    from another test)."""
    if "browser" not in _RUNNING:
        manager = sync_playwright()
        playwright = manager.start()
        _RUNNING.update(
            loop=manager._loop,
            playwright=playwright,
            browser=playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            ),
        )
    else:
        _mark_loop(running=True)
    return _RUNNING["browser"]


def _mark_loop(*, running):
    """Playwright's sync API leaves its event loop marked as running in this
    thread between its calls. While it is, Django hands out other connection
    objects (asgiref's Local follows the loop), without the copy of the
    initial data that serialized_rollback restores, and refuses the database
    fixtures' own queries. So the loop is marked running only inside a browser
    test, after its database fixtures, as when Playwright was started per test."""
    asyncio._set_running_loop(_RUNNING["loop"] if running else None)


@pytest.fixture(autouse=True, scope="session")
def _stop_chromium():
    yield
    if _RUNNING:
        _mark_loop(running=True)
        _RUNNING["browser"].close()
        _RUNNING["playwright"].stop()
        _mark_loop(running=False)
        _RUNNING.clear()


def _browser(tmp_path, options):
    """A fresh browser context (like a new profile) in the run's Chromium."""
    context = _chromium().new_context(locale="ru-RU", **options)
    try:
        yield context.new_page()
    finally:
        # Marked again: a test with two contexts (desktop and phone) has had
        # the loop unmarked by the first one torn down.
        _mark_loop(running=True)
        context.close()
        # Close the connections the test opened inside the loop, or the
        # test database cannot be dropped at the end of the run.
        connections.close_all()
        _mark_loop(running=False)


@pytest.fixture(autouse=True)
def _allow_orm_inside_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in this thread; the ORM calls the
    test itself makes are still plain synchronous code. Set for these tests
    only: set for the whole session, the variable would leak into the
    subprocesses other tests start (manage.py check --deploy refuses it)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    assert os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] == "true"


@pytest.fixture
def desktop(transactional_db, live_server, tmp_path):
    yield from _browser(tmp_path, DESKTOP)


@pytest.fixture
def phone(transactional_db, live_server, tmp_path):
    yield from _browser(tmp_path, PHONE)


@pytest.fixture
def screenshot(request):
    """screenshot(page, "step") saves test-artifacts/browser/<test>-<step>.jpg:
    the whole page at CSS pixels, as JPEG. A full-resolution PNG of a phone
    page (device scale 2) cost a third of a journey's time, for pictures a
    person only skims."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^\w-]+", "-", request.node.name).strip("-")

    def save(page, step):
        path = ARTIFACTS / f"{test_name}-{step}.jpg"
        options = {
            "path": str(path),
            "full_page": True,
            "type": "jpeg",
            "quality": 70,
            "scale": "css",
        }
        try:
            page.screenshot(**options)
        except PlaywrightError as error:
            # Headless Chromium now and then has no frame to give on a loaded
            # machine ("Unable to capture screenshot"); the page is fine, so
            # ask once more. Any other error, or a second refusal, fails.
            if "Unable to capture screenshot" not in str(error):
                raise
            page.wait_for_timeout(250)
            page.screenshot(**options)
        assert path.stat().st_size > 0
        return path

    return save


@pytest.fixture(params=["desktop", "phone"])
def journey(request, live_server, screenshot):
    """A person's journey at desktop (1280 px) and phone (360 px) width; see
    tests/browser/journey.py for what every step must hold."""
    from tests.browser.journey import Journey

    page = request.getfixturevalue(request.param)
    return Journey(page, live_server.url, screenshot, request.param)


@pytest.fixture
def search_index(settings, transactional_db):
    """A private index on the real node, so what a test publishes is found
    and nothing is left behind for the next test."""
    with private_alias("b") as prefix:
        settings.SEARCH_INDEX_PREFIX = prefix
        index.ensure_index()
        yield
