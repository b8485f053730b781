"""Settings of the two portals tests/exchange/test_two_installations.py runs
(servers and `manage.py` commands): the test settings with DEBUG off, and what
makes an installation itself given by the environment: its database, its
address, its network's name, its signing keys and folders. No Elasticsearch:
each portal searches its own database (the fallback), so the two never share
an index."""

from pathlib import Path

from portal.settings.test import *  # noqa: F403
from portal.settings.test import env

DEBUG = False
# The test reads the servers' and commands' English wording.
LANGUAGE_CODE = "en"
DATABASES = {"default": env.db_url_config(env("DATABASE_URL"))}
PORTAL_BASE_URL = env("PORTAL_BASE_URL")
WAGTAILADMIN_BASE_URL = PORTAL_BASE_URL
ELASTICSEARCH_URL = ""
PORTAL_STATE_DIR = Path(env("PORTAL_STATE_DIR"))
PORTAL_HOTLINES_FILE = PORTAL_STATE_DIR / "hotlines.json"
# A test waits for these: a dead partner must fail fast, not in 30 s.
EXCHANGE_HTTP_TIMEOUT = 10.0
