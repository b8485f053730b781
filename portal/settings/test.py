"""pytest-django settings: fast hashing, in-memory mail, immediate tasks, but the
real PostgreSQL and Elasticsearch named by DATABASE_URL / ELASTICSEARCH_URL."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, env

# Under pytest-xdist each worker ("gw0", "gw1"…) gets its own folders.
_XDIST_WORKER = env("PYTEST_XDIST_WORKER", default="")
_WORKER_SUFFIX = f"-{_XDIST_WORKER}" if _XDIST_WORKER else ""

DEBUG = False
SECRET_KEY = "test-only-secret-key-3d1f0e2a7b9c"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://portal:portal@127.0.0.1:5432/portal"),
}
# Several checkouts can test against one server at once with their own test
# database (PORTAL_TEST_DB_NAME) and index prefix (SEARCH_INDEX_PREFIX).
if env("PORTAL_TEST_DB_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env("PORTAL_TEST_DB_NAME")}
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="http://127.0.0.1:9200")
# Each test run gets its own alias so runs never see each other's documents.
SEARCH_INDEX_PREFIX = env("SEARCH_INDEX_PREFIX", default="test-portal")

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# In-memory caches: a rate-limit counter or a cached page costs no query, and
# clearing them before every test is free. Tests about the database cache
# itself (page cache, rate limits, query counts) switch to the production
# setup with the `database_caches` fixture (tests/conftest.py).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "test-default",
    },
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "test-pages",
    },
    "renditions": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "test-renditions",
    },
}
# What production uses (portal/settings/base.py), for the tests above.
DATABASE_CACHES = {
    **CACHES,
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "portal_cache",
    },
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(BASE_DIR / ".services" / f"test-state{_WORKER_SUFFIX}" / "page-cache"),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PORTAL_STATE_DIR = BASE_DIR / ".services" / f"test-state{_WORKER_SUFFIX}"
PORTAL_HOTLINES_FILE = PORTAL_STATE_DIR / "hotlines.json"
# A command run in a subprocess (the restore test) can be given other folders.
# Variables of their own: the production ones, exported in a shell, must never
# send test files into the real folders.
# Each xdist worker its own folders by default (so workers never see or
# remove each other's files); a folder given explicitly is used as it is.
MEDIA_ROOT = Path(
    env(
        "PORTAL_TEST_MEDIA_ROOT",
        default=str(BASE_DIR / ".services" / f"test-media{_WORKER_SUFFIX}"),
    )
)
PRIVATE_MEDIA_ROOT = Path(
    env(
        "PORTAL_TEST_PRIVATE_MEDIA_ROOT",
        default=str(BASE_DIR / ".services" / f"test-private{_WORKER_SUFFIX}"),
    )
)
# Signing keys of the releases the tests sign: per worker, like the media.
EXCHANGE_KEYS_DIR = Path(
    env(
        "PORTAL_TEST_EXCHANGE_KEYS_DIR",
        default=str(BASE_DIR / ".services" / f"test-exchange-keys{_WORKER_SUFFIX}"),
    )
)
# Under pytest-xdist (`pytest -n 2`) each worker has its own test database
# (pytest-django adds the worker id to its name); give it its own search alias
# too (its folders are above).
if _XDIST_WORKER:
    SEARCH_INDEX_PREFIX = f"{SEARCH_INDEX_PREFIX}-{_XDIST_WORKER}"
PORTAL_OPEN_SIGNUP = False
PORTAL_REQUIRE_MFA = False
WAGTAILADMIN_BASE_URL = "http://testserver"
PORTAL_BASE_URL = "http://testserver"
# Wagtail's admin search (its database backend, portal/settings/base.py)
# re-indexes a page on every save, a tenth of the time of tests that build
# pages; no test searches the admin. The portal's own search is not affected.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": False},
}

# Partner portals on this machine answer on http://127.0.0.1 (portal/exchange).
EXCHANGE_ALLOW_HTTP = True
