"""Local development: `make run`. SQLite and the database search unless the
environment points at services."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="dev-only-insecure-key-do-not-use-in-production-0c7f3b2e",
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
PORTAL_OPEN_SIGNUP = env.bool("PORTAL_OPEN_SIGNUP", default=True)

# runserver serves static files itself; skip the manifest so `collectstatic` is
# not needed in development.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# `make run` serves with DEBUG off (scripts/run.sh), so a visitor sees the
# portal's own 404 and 500 pages: WhiteNoise then serves the static files
# straight from the apps (no collectstatic), and Django the public images.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PORTAL_SERVE_MEDIA = env.bool("PORTAL_SERVE_MEDIA", default=True)

# Partner portals on this machine answer on http://127.0.0.1 (portal/exchange).
EXCHANGE_ALLOW_HTTP = env.bool("EXCHANGE_ALLOW_HTTP", default=True)
