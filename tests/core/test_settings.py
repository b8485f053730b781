"""Each settings module loads, and production refuses to start half-configured.

Settings are imported in a fresh interpreter: they read the environment at
import time, so that is the only honest way to test them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "k7#Qz!v2pL9@wX4rT8&nB3$eF6^hJ1*mC5(sD0)gA-yU_iO+Pq",
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
    "DATABASE_URL": "postgres://portal:secret@db.internal:5432/portal",
    "EMAIL_URL": "smtp+tls://portal:secret@mail.example.org:587",
    "ELASTICSEARCH_URL": "http://search.internal:9200",
}


def run_python(code, settings_module, extra_env=None, drop=()):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    for name in ("DATABASE_URL", "ELASTICSEARCH_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"):
        if name not in (extra_env or {}):
            env.pop(name, None)
    env.update(extra_env or {})
    env["DJANGO_SETTINGS_MODULE"] = settings_module
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


LOAD = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


@pytest.mark.parametrize(
    ("module", "env", "debug"),
    [
        ("portal.settings.dev", {}, "True"),
        ("portal.settings.test", {}, "False"),
        ("portal.settings.production", PRODUCTION_ENV, "False"),
    ],
)
def test_settings_module_loads(module, env, debug):
    result = run_python(LOAD, module, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(debug)


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_required_variable(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_python(LOAD, "portal.settings.production", env, drop=(missing,))
    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr
    assert "README" in result.stderr


def test_production_deploy_check_has_no_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)},
            **PRODUCTION_ENV,
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_defaults_are_strict():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.PORTAL_OPEN_SIGNUP, s.PORTAL_REQUIRE_MFA, s.SESSION_COOKIE_SECURE, "
        "s.ACCOUNT_EMAIL_VERIFICATION)"
    )
    result = run_python(code, "portal.settings.production", PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "mandatory"]


def test_manage_py_defaults_to_development_settings():
    source = (ROOT / "manage.py").read_text()
    assert '"DJANGO_SETTINGS_MODULE", "portal.settings.dev"' in source


def test_suite_runs_on_postgresql(db):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


def test_suite_talks_to_elasticsearch():
    assert settings.ELASTICSEARCH_URL.startswith("http")
