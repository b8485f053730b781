"""Settings shared by every environment.

Values that differ between machines come from the environment (django-environ).
Secrets have no default here: ``dev.py`` and ``test.py`` supply harmless ones,
``production.py`` insists on real ones.
"""

from pathlib import Path

import django.conf.locale
import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = BASE_DIR / "portal"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications -------------------------------------------------------------

INSTALLED_APPS = [
    # Project apps first so their templates and commands win over the libraries'.
    "portal.core",
    "portal.members",
    "portal.home",
    "portal.resources",
    "portal.reports",
    "portal.api",
    "portal.exchange",
    "portal.referrals",
    "portal.search",
    # On top of every app above: imports them all, imported by none.
    "portal.demo",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    # Listed so /api/v1/docs serves Swagger UI from our static files instead
    # of a CDN (no third-party requests).
    "ninja",
    "modelcluster",
    "taggit",
    # Accounts and permissions
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "guardian",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Who acts and from where, for the audit log and mail links (lazy: reads
    # the user only when asked, after authentication has run).
    "portal.core.request_context.RequestContextMiddleware",
    "portal.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Answers anonymous public pages from the page cache before everything
    # below (sessions, authentication, messages, Wagtail's routing) runs.
    "portal.home.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.members.middleware.MemberIdleTimeoutMiddleware",
    # Runs before any view middleware reads the body (CSRF reads POST there).
    "portal.members.middleware.UploadSizeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Whether this session passed the second factor (after authentication).
    "portal.members.second_factor.SecondFactorMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.core.context_processors.portal",
            ],
        },
    },
]

# --- Data ---------------------------------------------------------------------

# Without DATABASE_URL the portal runs on SQLite so `make run` needs no service.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0))
# A kept connection is checked before each request reuses it: after PostgreSQL
# restarts, the first request reconnects instead of failing.
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Files the server writes for itself (the page cache, the hotline file), on
# the server's own disk: they must stay readable while PostgreSQL is down.
PORTAL_STATE_DIR = Path(env.str("PORTAL_STATE_DIR", default=str(BASE_DIR / "var")))

# Login rate limits must be counted in one place for all server processes, so the
# default cache is the database (shared by every worker), not per-process memory.
CACHES = {
    "default": env.cache("CACHE_URL", default="dbcache://portal_cache"),
    # Rendered public pages live apart from the default cache so that filling
    # it with pages can never evict the login rate-limit counters; in files,
    # shared by the workers of one host, read in well under a millisecond and
    # still there when the database is not. Several hosts behind one address
    # need one shared cache instead (PAGE_CACHE_URL=redis://…), or each host
    # would purge only its own copies.
    "pages": env.cache("PAGE_CACHE_URL", default=f"filecache://{PORTAL_STATE_DIR / 'page-cache'}"),
}
# Wagtail writes every rendition it serves to the "renditions" cache; on the
# database cache that would be four queries per image per page view. Renditions
# are cheap to look up again, so each process keeps its own copy.
CACHES["renditions"] = env.cache("RENDITION_CACHE_URL", default="locmemcache://renditions")
if CACHES["pages"]["BACKEND"].endswith(("DatabaseCache", "FileBasedCache")):
    CACHES["pages"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 5000)
# How long an anonymous visitor's page may be served from the cache; publishing
# purges it at once, so this only bounds how long "upcoming" lists lag the clock.
# 0 turns the page cache off.
PORTAL_PAGE_CACHE_SECONDS = env.int("PORTAL_PAGE_CACHE_SECONDS", default=300)
# How long a copy is kept after that, to be served (marked as out of date)
# while the database is unreachable.
PORTAL_PAGE_CACHE_STALE_SECONDS = env.int("PORTAL_PAGE_CACHE_STALE_SECONDS", default=7 * 24 * 3600)
# Every country's hotlines for the error pages, written whenever one is saved.
PORTAL_HOTLINES_FILE = Path(
    env.str("PORTAL_HOTLINES_FILE", default=str(PORTAL_STATE_DIR / "hotlines.json"))
)
# What a 503 asks clients to wait before trying again, in seconds.
PORTAL_OUTAGE_RETRY_AFTER = env.int("PORTAL_OUTAGE_RETRY_AFTER", default=30)

# --- Accounts -----------------------------------------------------------------

AUTH_USER_MODEL = "members.User"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# The network invites its members; strangers cannot create accounts unless the
# operator opens signup on purpose.
PORTAL_OPEN_SIGNUP = env.bool("PORTAL_OPEN_SIGNUP", default=False)

ACCOUNT_ADAPTER = "portal.members.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Ferghana Network] "
# Explicit limits (allauth's defaults, tightened for failed logins): counted in the
# shared cache above. "key" is the email address being tried.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Ferghana Network Portal"
MFA_RECOVERY_CODE_COUNT = 10

# With it on, restricted data (workspaces, reports, exports, the members' API,
# network pages, search beyond public) and the admin open only to a session
# that passed the second factor; people without an authenticator are sent to
# set one up. Off, the same holds for every account that has an authenticator
# (portal/members/second_factor.py).
PORTAL_REQUIRE_MFA = env.bool("PORTAL_REQUIRE_MFA", default=False)
# A browser allauth "trusts" would skip the code and leave no MFA record in the
# session; the portal asks for the code at every sign-in.
MFA_TRUST_ENABLED = False

# Abuse limits (portal.core.ratelimit), counted in the shared "default" cache.
# Each value is "N/period" rates joined by commas (s, m, h, d; "5/10m" allowed);
# an empty value switches a limit off. Override one with PORTAL_RATE_LIMIT_<NAME>
# (upper case, dots as underscores), e.g. PORTAL_RATE_LIMIT_API_TOKEN="600/m".
_DEFAULT_RATE_LIMITS = {
    # Partner API: per token, and per client address whatever the token.
    "api.token": "120/m,5000/h",
    "api.address": "300/m",
    # Members' API calls with their browser session, per person.
    "api.member": "120/m,5000/h",
    # Refused (unknown, expired, revoked) tokens, per address.
    "api.refused": "20/m,100/h",
    # Members' actions that reach other people or the network.
    "workspace.join_request": "5/h,20/d",
    "workspace.invite": "30/h,100/d",
    "report.share": "20/h",
}
PORTAL_RATE_LIMITS = {
    name: env.str("PORTAL_RATE_LIMIT_" + name.upper().replace(".", "_"), default=rate)
    for name, rate in _DEFAULT_RATE_LIMITS.items()
}

# Retention (README "Retention and erasure"): days each kind of restricted
# data is kept after it closed, then `manage.py purge_expired` (run daily by
# the worker) removes it and leaves a tombstone in the audit log. Override one
# with PORTAL_RETENTION_DAYS_<KIND>, e.g. PORTAL_RETENTION_DAYS_REPORTS=3650;
# 0 switches the purge off for that kind. A kind with no entry is never purged.
_DEFAULT_RETENTION_DAYS = {
    "reports": 5 * 365,
    "workspace_files": 5 * 365,
    "discussions": 5 * 365,
    "workspaces": 5 * 365,
    "referrals": 5 * 365,
}
PORTAL_RETENTION_DAYS = {
    name: env.int("PORTAL_RETENTION_DAYS_" + name.upper(), default=days)
    for name, days in _DEFAULT_RETENTION_DAYS.items()
}
# A person's request to see, correct or erase what concerns them is due this
# many days after it was received (Kyrgyz personal-data law: one week).
PORTAL_SUBJECT_REQUEST_DAYS = env.int("PORTAL_SUBJECT_REQUEST_DAYS", default=7)

# Referrals between organisations (portal.referrals). The recipient is
# expected to answer within these hours per urgency; an unanswered referral
# then shows as overdue in both sides' digests and, past the hours times
# PORTAL_REFERRAL_ESCALATION_FACTOR, is mailed to the network coordinators.
PORTAL_REFERRAL_RESPONSE_HOURS = {
    "immediate": env.int("PORTAL_REFERRAL_RESPONSE_HOURS_IMMEDIATE", default=24),
    "urgent": env.int("PORTAL_REFERRAL_RESPONSE_HOURS_URGENT", default=72),
    "routine": env.int("PORTAL_REFERRAL_RESPONSE_HOURS_ROUTINE", default=240),
}
PORTAL_REFERRAL_ESCALATION_FACTOR = env.int("PORTAL_REFERRAL_ESCALATION_FACTOR", default=2)

# Data residency: for a citizenship (ISO 3166 alpha-2), the countries whose
# installations may hold that person's identifiable data. Uzbekistan's law
# keeps its citizens' personal data in Uzbekistan. The portal's records carry
# no identity; what may identify is an uploaded referral document, which
# portal.referrals.residency refuses here unless PORTAL_INSTALLATION_COUNTRY
# is listed. A citizenship not named here is not restricted.
PORTAL_INSTALLATION_COUNTRY = env.str("PORTAL_INSTALLATION_COUNTRY", default="KG").upper()
PORTAL_DATA_RESIDENCY = {"UZ": ("UZ",)}
if env.str("PORTAL_DATA_RESIDENCY", default=""):
    # "UZ=UZ;TJ=TJ,KG": citizenship=allowed countries, separated by ";".
    PORTAL_DATA_RESIDENCY = {
        citizenship.strip().upper(): tuple(c.strip().upper() for c in allowed.split(",") if c)
        for citizenship, _sep, allowed in (
            part.partition("=") for part in env.str("PORTAL_DATA_RESIDENCY").split(";") if part
        )
    }

# Refused API tokens write one audit row per address per window of this many
# seconds; the count is kept in "Refused API tokens by window".
PORTAL_API_REFUSED_AUDIT_SECONDS = env.int("PORTAL_API_REFUSED_AUDIT_SECONDS", default=3600)

# Guardian's anonymous user needs a username; the portal grants nothing to
# anonymous visitors through object permissions, so it is switched off.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# --- Members' workspaces --------------------------------------------------------

# Members are signed out after this many minutes without a request (0: never).
PORTAL_MEMBER_IDLE_TIMEOUT = env.int("PORTAL_MEMBER_IDLE_TIMEOUT", default=30)
# Largest workspace file accepted, in megabytes.
PORTAL_MAX_UPLOAD_MB = env.int("PORTAL_MAX_UPLOAD_MB", default=20)
# How long an invitation link works.
PORTAL_INVITATION_DAYS = env.int("PORTAL_INVITATION_DAYS", default=14)
# Address of the portal in mail sent outside a request (digests, commands);
# requests use their own host. Default: the WAGTAILADMIN_BASE_URL below, which
# follows PORT (`PORT=8001 make run`).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="")

# --- Languages ----------------------------------------------------------------

LANGUAGE_CODE = "ru"
TIME_ZONE = "Asia/Bishkek"
USE_I18N = True
USE_TZ = True

# The languages of the people the network serves, after Russian and English:
# Kyrgyz, Uzbek (Latin script: Django's "uz") and Tajik. Another language is a
# settings change plus a catalogue (README, "Languages").
PORTAL_LANGUAGES = env.list("PORTAL_LANGUAGES", default=["ru", "en", "ky", "uz", "tg"])
_LANGUAGE_NAMES = {
    "ru": _("Russian"),
    "en": _("English"),
    "ky": _("Kyrgyz"),
    "uz": _("Uzbek"),
    "tg": _("Tajik"),
}
LANGUAGES = [(code, _LANGUAGE_NAMES.get(code, code)) for code in PORTAL_LANGUAGES]
# The switcher names each language in itself as its readers say it, like
# Django's "Кыргызча": "Oʻzbekcha" and "Тоҷикӣ" rather than "oʻzbek tili", "тоҷикӣ".
django.conf.locale.LANG_INFO["uz"] = {
    **django.conf.locale.LANG_INFO["uz"],
    "name_local": "Oʻzbekcha",
}
django.conf.locale.LANG_INFO["tg"] = {**django.conf.locale.LANG_INFO["tg"], "name_local": "Тоҷикӣ"}
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Page addresses in ASCII: the editor's slug field transliterates as the title
# is typed; portal/core/slugs.py gives the final, short slug on save.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# Wagtail 8's autosave of a page not yet created races with itself (two
# background saves both create it; the second ends in a 500 "slug in use").
# Editors save drafts with the button until upstream serialises them.
WAGTAIL_AUTOSAVE_INTERVAL = env.int("WAGTAIL_AUTOSAVE_INTERVAL", default=0)
# The portal's own strings first (makemessages writes only there); then strings
# of installed apps that their packages leave untranslated (allauth has no Tajik).
LOCALE_PATHS = [PROJECT_DIR / "locale", PROJECT_DIR / "locale_apps"]

# --- Static and media ---------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
# Small installations without a web server in front let Django serve the image
# folders of /media/ (portal/core/media.py); behind nginx or a CDN leave it off and
# serve only MEDIA_ROOT/images/ and MEDIA_ROOT/original_images/ from there. Never
# MEDIA_ROOT/documents/: see WAGTAILDOCS_SERVE_METHOD.
PORTAL_SERVE_MEDIA = env.bool("PORTAL_SERVE_MEDIA", default=False)
# Workspace files and report attachments live here, outside MEDIA_ROOT, and are
# only ever streamed by a view that checks permission.
PRIVATE_MEDIA_ROOT = env.path("PORTAL_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private")
# `manage.py backup` writes here unless given --output (README, "Backup and
# restore"); keep it off the web server's reach. PORTAL_PG_BIN_DIR: the folder of
# pg_dump/pg_restore when they are not under /usr/lib/postgresql/<version>/bin.
PORTAL_BACKUP_DIR = env.path("PORTAL_BACKUP_DIR", default=BASE_DIR / "backups")
PORTAL_PG_BIN_DIR = env("PORTAL_PG_BIN_DIR", default="")

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Django's two handlers, the second one surviving a full disk (portal/core/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "portal.core.uploads.SafeTemporaryFileUploadHandler",
]

# --- Email --------------------------------------------------------------------

# EMAIL_URL such as smtp+tls://user:password@mail.example.org:587
globals().update(env.email("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Ferghana Network <noreply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Content-Security-Policy (portal.core.csp) -----------------------------------

# Everything from this origin only: no inline script or style, no third-party
# host. Embeds are links, not frames (templates/blocks/embed.html), so no
# frame-src is opened for video sites.
PORTAL_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "object-src": ["'none'"],
}
# The Wagtail admin is weaker: its templates write inline <script> (inline
# panels, date and time pickers) and its JavaScript sets style="…", and it
# frames its own previews. So 'unsafe-inline' for scripts and styles there,
# frame-ancestors 'self'; still no other host, no eval, no plugins. Only staff
# reach it, and what they type is escaped by Wagtail's templates.
PORTAL_CSP_ADMIN = {
    **PORTAL_CSP,
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-ancestors": ["'self'"],
}
PORTAL_CSP_ADMIN_PATHS = ("/admin/",)
# Report-only sends the policy as Content-Security-Policy-Report-Only: browsers
# report violations (to PORTAL_CSP_REPORT_URI, when set) but block nothing.
PORTAL_CSP_REPORT_ONLY = env.bool("PORTAL_CSP_REPORT_ONLY", default=False)
PORTAL_CSP_REPORT_URI = env("PORTAL_CSP_REPORT_URI", default="")

# --- Wagtail ------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Ferghana Network Portal"
# No avatars from gravatar.com: every admin page would tell a third party who
# works in the portal (the address's hash) and when.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_BASE_URL = env(
    "WAGTAILADMIN_BASE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}"
)
PORTAL_BASE_URL = PORTAL_BASE_URL or WAGTAILADMIN_BASE_URL
# Documents are streamed by Wagtail's view at /documents/<id>/<filename>, which
# applies collection privacy and the before_serve_document hooks. "redirect" or
# "direct" would hand out the file's /media/documents/ address instead, which
# checks nothing (and which the portal refuses to serve).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Public documents of the resource library: office and text formats only (no
# HTML or SVG, which a browser would run as a page of the portal).
WAGTAILDOCS_EXTENSIONS = [
    "pdf",
    "doc",
    "docx",
    "odt",
    "rtf",
    "txt",
    "csv",
    "xls",
    "xlsx",
    "ods",
    "ppt",
    "pptx",
    "odp",
    "epub",
    "zip",
]
WAGTAIL_PASSWORD_REQUIRED_TEMPLATE = "home/password_required.html"  # noqa: S105
# One sign-in path: Wagtail's admin and private pages send visitors to
# allauth's login (its forms at /admin/login/ and /<lang>/_util/login/ are
# replaced in portal/urls.py; the admin keeps its /admin/login/ address, which
# answers people signed in without admin access with a 403 instead of a
# redirect loop), and passwords are reset through allauth only, under its
# rate limits.
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "svg"]
# Wagtail's own admin search runs on its database backend; the public search is
# the portal's Elasticsearch index (portal/search), which knows about audiences.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database"},
}
WAGTAIL_ENABLE_UPDATE_CHECK = False

# Wagtail's own background work (reference index and the like).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}

# --- Search -------------------------------------------------------------------

# Empty means "not configured": search runs on the database fallback.
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="")
ELASTICSEARCH_TIMEOUT = env.float("ELASTICSEARCH_TIMEOUT", default=5.0)
# One alias per installation; several portals (or test runs) can share a cluster.
SEARCH_INDEX_PREFIX = env("SEARCH_INDEX_PREFIX", default="portal")
# Matching runs on stems made in Python (portal.search.analysis), the same on
# every backend. Where a cluster has the language analyzers (analysis-common,
# which the test distribution lacks), set these to "russian" / "english": the
# words as written then also add to the ranking.
SEARCH_ANALYZERS = {
    "default": env("SEARCH_ANALYZER_DEFAULT", default="standard"),
    "ru": env("SEARCH_ANALYZER_RU", default="standard"),
    "en": env("SEARCH_ANALYZER_EN", default="standard"),
}
# Typo tolerance costs more, so it is only asked for when exact matching
# finds fewer results than this.
SEARCH_FUZZY_BELOW = env.int("SEARCH_FUZZY_BELOW", default=3)
SEARCH_INDEX_SHARDS = env.int("SEARCH_INDEX_SHARDS", default=1)
# A visitor's search waits this long for Elasticsearch before the database
# fallback answers instead.
SEARCH_QUERY_TIMEOUT = env.float("SEARCH_QUERY_TIMEOUT", default=2.0)
# After a failure, Elasticsearch is left alone for this long by web requests
# (searches use the fallback, edits leave their index work to the worker).
SEARCH_CIRCUIT_SECONDS = env.int("SEARCH_CIRCUIT_SECONDS", default=10)
# Queued index operations are retried with exponential backoff up to this delay.
SEARCH_RETRY_MAX_DELAY = env.int("SEARCH_RETRY_MAX_DELAY", default=600)
# A worker holds the queued operations it is applying this long; if it dies
# meanwhile, another worker (or its restart) takes them over afterwards.
# `search_index sync` does not wait for it.
SEARCH_QUEUE_LEASE_SECONDS = env.int("SEARCH_QUEUE_LEASE_SECONDS", default=300)
# How often an idle `search_index worker` looks for new work, seconds.
SEARCH_WORKER_POLL = env.float("SEARCH_WORKER_POLL", default=2.0)
SEARCH_PAGE_SIZE = 20
SEARCH_MAX_QUERY_CHARS = 200

# --- Data exchange ------------------------------------------------------------

# Sharing a reviewed report with the network also needs a network coordinator's
# approval (the report waits, unseen by the network, until the office decides).
PORTAL_SHARING_REQUIRES_OFFICE_APPROVAL = env.bool(
    "PORTAL_SHARING_REQUIRES_OFFICE_APPROVAL", default=False
)
# Smallest cell published outside the network (CTDC publishes with k = 11).
PORTAL_K_ANONYMITY = env.int("PORTAL_K_ANONYMITY", default=11)
# Case-record import: one file is one transaction, so keep files to a size a
# request can validate and store comfortably.
PORTAL_IMPORT_MAX_ROWS = env.int("PORTAL_IMPORT_MAX_ROWS", default=5000)
PORTAL_IMPORT_MAX_BYTES = env.int("PORTAL_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
# Privacy budget of one statistics release (differential privacy, README
# "Public statistics"): smaller is more private and noisier. Releases add up.
PORTAL_STATISTICS_EPSILON = env.float("PORTAL_STATISTICS_EPSILON", default=1.0)
# The categories of the public country tables (others count as "Other") and how
# many recent years the year table lists (earlier ones as "Earlier years"). Fixed
# lists, never taken from the data; every listed category costs some noise.
PORTAL_STATISTICS_COUNTRIES = env.list(
    "PORTAL_STATISTICS_COUNTRIES", default=["KG", "UZ", "TJ", "KZ", "RU", "TR", "AE", "KR"]
)
PORTAL_STATISTICS_YEARS = env.int("PORTAL_STATISTICS_YEARS", default=10)
# Corridors (citizenship -> country of exploitation, by year): how many recent
# years they are counted for, and their share of each release's epsilon (the
# other figures split the rest). A larger share: corridors closer to the truth
# and shown from a lower threshold; the other figures noisier.
PORTAL_STATISTICS_CORRIDOR_YEARS = env.int("PORTAL_STATISTICS_CORRIDOR_YEARS", default=5)
PORTAL_STATISTICS_CORRIDOR_SHARE = env.float("PORTAL_STATISTICS_CORRIDOR_SHARE", default=0.3)
# Fewest days between two releases (the publish command's --force overrides it):
# each release spends the budget again, so they should be rare and regular.
PORTAL_STATISTICS_MIN_INTERVAL_DAYS = env.int("PORTAL_STATISTICS_MIN_INTERVAL_DAYS", default=28)
# Partner API tokens expire; this is the default lifetime offered when creating one.
PORTAL_API_TOKEN_DAYS = env.int("PORTAL_API_TOKEN_DAYS", default=365)

# Signed releases to partner databases and sister portals (portal/exchange,
# README "Linking to other databases"). The private signing keys live in this
# folder (one PKCS#8 file per key, mode 0600), never in the database.
EXCHANGE_KEYS_DIR = env.path("EXCHANGE_KEYS_DIR", default=BASE_DIR / "var" / "exchange-keys")
# How this installation names itself in the releases it signs.
EXCHANGE_NETWORK_NAME = env(
    "EXCHANGE_NETWORK_NAME", default="Ferghana Valley Anti-Trafficking Network"
)
EXCHANGE_ORGANISATION_NAME = env("EXCHANGE_ORGANISATION_NAME", default="Coordinating office, Osh")
# Pushes to a partner's inbox: attempts before giving up, and the first wait
# (doubled each time, with jitter, up to EXCHANGE_PUSH_MAX_BACKOFF seconds).
EXCHANGE_PUSH_ATTEMPTS = env.int("EXCHANGE_PUSH_ATTEMPTS", default=12)
EXCHANGE_PUSH_BACKOFF = env.float("EXCHANGE_PUSH_BACKOFF", default=30.0)
EXCHANGE_PUSH_MAX_BACKOFF = env.float("EXCHANGE_PUSH_MAX_BACKOFF", default=6 * 3600.0)
# Plain http:// to other portals (partner inboxes, origins): only for a
# development machine or the tests; production speaks https only, so neither a
# token nor a release crosses the network in clear.
EXCHANGE_ALLOW_HTTP = env.bool("EXCHANGE_ALLOW_HTTP", default=False)
# How often the worker pulls from subscribed portals and pushes to partners, seconds.
EXCHANGE_SYNC_SECONDS = env.int("EXCHANGE_SYNC_SECONDS", default=900)
# Seconds to wait for another portal to answer one request.
EXCHANGE_HTTP_TIMEOUT = env.float("EXCHANGE_HTTP_TIMEOUT", default=30.0)
# Events in one page of the release feed.
EXCHANGE_FEED_PAGE = env.int("EXCHANGE_FEED_PAGE", default=100)

# --- Demo ---------------------------------------------------------------------

DEMO_PASSWORD = env("DEMO_PASSWORD", default="demo-pass-2024")

# --- Logging ------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "elastic_transport": {"level": "WARNING"},
        "elasticsearch": {"level": "WARNING"},
        # One line per background task and page action drowns real messages.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
