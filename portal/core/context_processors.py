from django.conf import settings
from django.utils.translation import gettext, gettext_noop

# The default site name, marked so the catalogue carries its translation; a name
# configured in WAGTAIL_SITE_NAME that has none is shown as it is.
gettext_noop("Ferghana Network Portal")


def portal(request):
    """Values every template may need, computed without a query."""
    return {
        "PORTAL_SITE_NAME": gettext(settings.WAGTAIL_SITE_NAME),
        "PORTAL_LANGUAGES": settings.LANGUAGES,
    }
