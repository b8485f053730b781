from django.conf import settings


def portal(request):
    """Values every template may need, computed without a query."""
    return {
        "PORTAL_SITE_NAME": settings.WAGTAIL_SITE_NAME,
        "PORTAL_LANGUAGES": settings.LANGUAGES,
    }
