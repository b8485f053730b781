"""`make run` shows what a visitor will see: the portal's own error pages,
with static files and public images still served (scripts/run.sh runs the
development settings with DEBUG off)."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
RUN_SCRIPT = ROOT / "scripts" / "run.sh"


def _serving_environment():
    """The DJANGO_DEBUG that scripts/run.sh gives the server when the person
    set none: evaluated by bash from the script's own line."""
    line = next(
        line for line in RUN_SCRIPT.read_text().splitlines() if "export DJANGO_DEBUG=" in line
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    value = subprocess.run(
        ["/bin/bash", "-c", f'{line}; printf %s "$DJANGO_DEBUG"'],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {"DJANGO_DEBUG": value}


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def test_the_run_script_serves_with_debug_off_unless_asked():
    assert _serving_environment() == {"DJANGO_DEBUG": "false"}
    text = RUN_SCRIPT.read_text()
    assert text.index("export DJANGO_DEBUG=") < text.index("manage.py runserver")
    assert text.index("manage.py load_demo") < text.index("export DJANGO_DEBUG=")


@pytest.mark.django_db
def test_make_run_shows_the_portals_own_404_page_and_still_serves_static_files():
    database = connection.settings_dict
    env = {
        **os.environ,
        **_serving_environment(),
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
    }
    env.pop("ELASTICSEARCH_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(120):
            try:
                if _get(f"{base}/healthz/")[0]:
                    break
            except OSError:
                time.sleep(0.5)
        status, html = _get(f"{base}/no-such-page/")
        static_status, css = _get(f"{base}/static/css/site.css")
    finally:
        server.terminate()
        errors = server.communicate(timeout=30)[1]

    assert status == 404, errors[-2000:]
    assert 'class="error-page"' in html
    assert "Using the URLconf defined in" not in html  # Django's debug page
    assert static_status == 200
    assert re.search(r"[{};]", css)
