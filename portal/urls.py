from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal.api.api import api as api_v1
from portal.core import media as media_views
from portal.core import views as core_views
from portal.exchange import views as exchange_views
from portal.exchange.api import router as exchange_router
from portal.home import views as public_views
from portal.members import sign_in
from portal.referrals.api import router as referrals_router

# Signed releases for partners (portal/exchange), beside the rest of /api/v1/.
api_v1.add_router("/exchange/", exchange_router)
# The members' referrals (portal/referrals), with their browser session.
api_v1.add_router("/referrals", referrals_router)

# Wagtail's document URLs, its serve view wrapped (portal/core/media.py).
_document_urls = [
    re_path(p.pattern.regex.pattern, media_views.document, name=p.name)
    if p.name == "wagtaildocs_serve"
    else p
    for p in wagtaildocs_urls.urlpatterns
]

# Not language-prefixed: the admin, accounts and the members' area choose their
# language from the visitor's cookie or browser (LocaleMiddleware).
urlpatterns = [
    # One sign-in path (allauth's, with its rate limits and second factor):
    # Wagtail's admin login form answers by sending the person there.
    path(
        "admin/login/",
        sign_in.to_allauth_login,
        {"default_next": "wagtailadmin_home"},
        name="wagtailadmin_login",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(_document_urls)),
    path("accounts/", include("allauth.urls")),
    path("i18n/<str:code>/", public_views.switch_language, name="switch_language"),
    path("healthz/", core_views.health, name="health"),
    # A workspace's monitoring reports, beside the members' workspace pages.
    path("workspaces/<slug:slug>/reports/", include("portal.reports.urls")),
    path("workspaces/<slug:slug>/referrals/", include("portal.referrals.workspace_urls")),
    path("workspaces/", include("portal.members.urls")),
    path("network/reports/", include("portal.reports.network_urls")),
    path("network/statistics/", include("portal.reports.network_statistics_urls")),
    path("statistics/", include("portal.reports.statistics_urls")),
    path("services/", include("portal.referrals.urls")),
    path("api/v1/", api_v1.urls),
    path(
        ".well-known/ferghana-exchange/keys.json",
        exchange_views.keys_json,
        name="exchange_keys",
    ),
    path(
        ".well-known/ferghana-exchange/schemas/<str:filename>",
        exchange_views.schema,
        name="exchange_schema",
    ),
    # One address in every language (the header's form GETs /search/?q=);
    # the page follows the visitor's language like the members' area does.
    path("search/", include("portal.search.urls")),
    path("sitemap.xml", public_views.sitemap, name="sitemap"),
    path("robots.txt", public_views.robots_txt, name="robots_txt"),
    path("favicon.ico", public_views.favicon, name="favicon"),
    # Small installations let Django answer /media/ (PORTAL_SERVE_MEDIA; the
    # view refuses when it is off), and only for the image folders: documents
    # live in MEDIA_ROOT/documents/ but leave only through /documents/<id>/<name>
    # above, which applies collection privacy and the before_serve_document
    # hooks. Private workspace files live in PRIVATE_MEDIA_ROOT, with no URL.
    re_path(r"^media/(?P<path>.*)$", media_views.public_media, name="media"),
    # "/" answers with the home page in the visitor's language (200, canonical
    # link to /<lang>/) rather than a redirect: it is the x-default address.
    path("", public_views.root, name="root"),
]

# Public pages live under a language prefix (/ru/…, /en/…); Wagtail routes them
# through the public page cache (portal/home/cache.py). Wagtail's own helper URLs
# come first: the page-password form unchanged (a page's password, not an
# account's), the front-end login replaced by the way to allauth's.
_wagtail_helpers = [
    path("_util/login/", sign_in.to_allauth_login, name="wagtailcore_login")
    if p.name == "wagtailcore_login"
    else p
    for p in wagtail_urls.urlpatterns
    if p.name != "wagtail_serve"
]
urlpatterns += i18n_patterns(
    *_wagtail_helpers,
    re_path(wagtail_urls.serve_pattern, public_views.serve, name="wagtail_serve"),
    prefix_default_language=True,
)

# Error pages rendered without the database; a database outage answers 503
# with the hotlines, or the last cached copy of a public page.
handler500 = "portal.home.outage.server_error"
