"""Settings of the portal that tests/browser/test_database_outage.py serves under
gunicorn: the test settings (same secret key, so the test's sessions hold),
with DEBUG off, the database and state folder the test gives, and the page
cache in files as in production, shared by the workers."""

from portal.settings.test import *  # noqa: F403
from portal.settings.test import env

DEBUG = False
DATABASES = {"default": env.db_url_config(env("DATABASE_URL"))}
DATABASES["default"]["CONN_MAX_AGE"] = 60  # as production: kept, checked before reuse
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
PORTAL_STATE_DIR = env.path("PORTAL_STATE_DIR")
PORTAL_HOTLINES_FILE = env.path("PORTAL_HOTLINES_FILE")
PORTAL_PAGE_CACHE_SECONDS = env.int("PORTAL_PAGE_CACHE_SECONDS")
CACHES = {
    **CACHES,  # noqa: F405
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(PORTAL_STATE_DIR) + "/page-cache",
    },
}
# Static files straight from the apps, as `make run` serves them (no collectstatic).
WHITENOISE_USE_FINDERS = True
