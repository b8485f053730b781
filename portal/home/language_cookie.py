"""The language cookie that LocaleMiddleware reads on pages without a language
prefix (accounts, workspaces): a visitor who reads the site in English gets the
sign-in page in English too."""

from django.conf import settings
from django.utils import translation

MAX_AGE = 60 * 60 * 24 * 365


def remember(response, language):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=MAX_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def remember_path_language(request, response):
    """A page read under /<lang>/ sets the cookie to that language, unless the
    visitor's cookie already says so (no Set-Cookie on every page)."""
    language = translation.get_language_from_path(request.path_info)
    if (
        language
        and response.status_code == 200
        and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language
    ):
        remember(response, language)
    return response
