"""When PostgreSQL stops, the hotlines stay up.

The portal runs under gunicorn (two workers, DEBUG off, the page cache in files
as in production) on a PostgreSQL cluster of this test's own, a copy of the
test database; the test stops that cluster, asks for pages as a visitor, a
member and a partner would (in Chromium too, at desktop and phone widths),
starts it again and checks that the same server processes recover."""

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.browser.journey import Journey
from tests.factories import UserFactory, add_member, make_workspace
from tests.home.builders import add_hotline, add_news, make_site
from tests.pg_cluster import Cluster, _free_port

ROOT = Path(__file__).resolve().parents[2]
FRESH_SECONDS = 2

pytestmark = pytest.mark.django_db(transaction=True)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(NoRedirect)


def fetch(base, path, cookie=None, headers=None):
    request = urllib.request.Request(base + path, headers=dict(headers or {}))  # noqa: S310 (http://127.0.0.1 only)
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with _opener.open(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def worker_pids(master):
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(pid) for pid in children)


@pytest.fixture
def cluster():
    # Under /tmp, not pytest's tmp_path: the "postgres" account must reach it.
    own = Cluster(Path(tempfile.mkdtemp(prefix="portal-outage-"))).create()
    own.start()
    yield own
    own.remove()


@pytest.fixture
def state(settings, tmp_path):
    settings.PORTAL_HOTLINES_FILE = tmp_path / "hotlines.json"
    return tmp_path


def serve(cluster, state):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.browser.outage_server_settings",
        "DATABASE_URL": cluster.url(),
        "PORTAL_STATE_DIR": str(state),
        "PORTAL_HOTLINES_FILE": str(state / "hotlines.json"),
        "PORTAL_PAGE_CACHE_SECONDS": str(FRESH_SECONDS),
    }
    env.pop("ELASTICSEARCH_URL", None)
    log_path = state / "gunicorn.log"
    log = log_path.open("wb")
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "portal.wsgi:application",
            "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
            # Threads: Chromium opens spare connections ahead of need, and a
            # sync worker would sit waiting on one (a proxy buffers them in
            # production).
            "--threads", "4", "--graceful-timeout", "5",
        ],
        # A file, not a pipe: during the outage every request logs a
        # traceback, and a full pipe nobody reads would block the workers.
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if fetch(base, "/healthz/")[0] == 200:
                return server, base
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise AssertionError(f"gunicorn did not start: {log_path.read_text()[-2000:]}")


def in_browser(journey, base, workspace_path, member_cookie):
    """What a person sees during the outage, checked as every journey step is
    (fits the width, no console error, axe, Russian throughout)."""
    page = journey.page
    page.goto(f"{base}/ru/get-help/")
    assert page.locator(".stale-notice").is_visible()
    assert page.locator('a[href^="tel:"]').count() >= 3
    journey.check("outage-stale-copy")
    with journey.expecting(503, r"/ru/news/$"):
        page.goto(f"{base}/ru/news/")
    assert page.locator("h1").inner_text() == "Портал временно недоступен"
    assert page.locator('.hotlines a[href^="tel:"]').count() == 3
    journey.check("outage-page")
    page.context.add_cookies(
        [{"name": "sessionid", "value": member_cookie.split("=", 1)[1], "url": base}]
    )
    with journey.expecting(503, r"/workspaces/"):
        page.goto(base + workspace_path)
    assert page.locator("h1").inner_text() == "Рабочее пространство временно недоступно"
    journey.check("outage-workspace")


@pytest.mark.browser
def test_public_pages_members_and_the_api_through_a_database_outage_and_back(
    cluster, state, client, desktop, phone, screenshot
):
    site = make_site()
    add_news(site.news, "Новость о сети")
    lines = {
        "KG": add_hotline("KG", "+996 312 00 00 01"),
        "UZ": add_hotline("UZ", "+998 71 200 00 02", organisation="Линия Узбекистана"),
        "TJ": add_hotline("TJ", "+992 37 000 00 03", organisation="Линия Таджикистана"),
    }
    owner = UserFactory()
    workspace = make_workspace(owner=owner, name="Ошская группа")
    add_member(workspace, UserFactory(), "member")
    client.force_login(owner)
    member_cookie = f"sessionid={client.cookies['sessionid'].value}"
    written = json.loads((state / "hotlines.json").read_text())
    assert {line["phone"] for line in written["languages"]["ru"]} == {
        line.phone for line in lines.values()
    }
    cluster.copy_database(connection.settings_dict)

    server, base = serve(cluster, state)
    try:
        workspace_path = f"/workspaces/{workspace.slug}/"
        assert fetch(base, "/ru/")[0] == 200  # stored in the page cache
        assert fetch(base, "/ru/get-help/")[0] == 200
        assert fetch(base, workspace_path, member_cookie)[0] == 200
        assert fetch(base, "/api/v1/cases/anonymised", headers={"Authorization": "Bearer made-up"})[
            0
        ] in (
            401,
            403,
        )
        workers = worker_pids(server.pid)

        cluster.stop()
        time.sleep(FRESH_SECONDS + 0.5)  # the stored copies are no longer fresh

        # A page the cache holds: its last copy, saying it may be out of date.
        status, headers, html = fetch(base, "/ru/get-help/")
        assert status == 200
        assert headers["X-Portal-Stale"] == "1"
        assert "Cache-Control" in headers and "no-store" in headers["Cache-Control"]
        assert "stale-notice" in html and "+998 71 200 00 02" in html

        # A page nobody asked for before: 503, come back later, every hotline.
        status, headers, html = fetch(base, "/ru/news/")
        assert status == 503
        assert headers["Retry-After"] == "30"
        assert '<html lang="ru">' in html
        assert "Портал временно недоступен" in html
        for line in lines.values():
            assert line.phone in html, line.phone
            assert f'href="{line.tel_href}"' in html
        status, headers, html = fetch(base, "/en/news/")
        assert (status, headers["Retry-After"]) == (503, "30")
        assert "The portal is unavailable for a moment" in html
        assert "+992 37 000 00 03" in html

        # A member: the workspace is unavailable for a moment, nothing is lost.
        status, headers, html = fetch(base, workspace_path, member_cookie)
        assert status == 503 and headers["Retry-After"] == "30"
        assert "Рабочее пространство временно недоступно" in html
        assert "Ошская группа" not in html  # nothing from the workspace, not even its name
        assert "+996 312 00 00 01" in html

        # A partner's API call: JSON, not a page.
        status, headers, body = fetch(
            base, "/api/v1/cases/anonymised", headers={"Authorization": "Bearer made-up"}
        )
        assert status == 503 and headers["Retry-After"] == "30"
        assert headers["Content-Type"].startswith("application/json")
        assert "detail" in json.loads(body)

        for device, page in (("desktop", desktop), ("phone", phone)):
            journey = Journey(page, base, screenshot, device)
            in_browser(journey, base, workspace_path, member_cookie)

        # Back: the same processes answer from the database again.
        cluster.start()
        status, headers, html = fetch(base, "/ru/news/")
        assert status == 200 and "Новость о сети" in html
        status, headers, html = fetch(base, "/ru/get-help/")
        assert status == 200 and "X-Portal-Stale" not in headers
        status, _headers, html = fetch(base, workspace_path, member_cookie)
        assert status == 200 and "Ошская группа" in html
        assert server.poll() is None
        assert worker_pids(server.pid) == workers  # recovered without a restart
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
