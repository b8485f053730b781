"""Page queries every public listing shares: bounded, one SQL statement each.

Wagtail's own ``PageQuerySet.public()`` loads every view restriction into Python
and builds one condition per restriction, a query of its own each time it is
called; ``public_pages`` asks the database the same question in a subquery.
"""

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length, Substr
from django.utils.translation import get_supported_language_variant
from wagtail.models import Page, PageViewRestriction


def restricted_q():
    """Pages with a view restriction on themselves or an ancestor."""
    return Exists(
        PageViewRestriction.objects.filter(
            page__path=Substr(OuterRef("path"), 1, Length("page__path"))
        )
    )


def public_pages(queryset):
    """Live pages that nobody restricted (no password, login or group rule on
    the page or above it)."""
    return queryset.live().exclude(restricted_q())


def default_language():
    return get_supported_language_variant(settings.LANGUAGE_CODE)


def default_locale_twin(page):
    """(path, depth, language) of ``page``'s translation in the default language,
    or None when ``page`` is itself in the default language or has no such
    translation. Cached on the page object: listings on one page ask once."""
    if not hasattr(page, "_default_twin"):
        twin = (
            Page.objects.filter(
                translation_key=page.translation_key,
                locale__language_code=default_language(),
            )
            .exclude(pk=page.pk)
            .values_list("path", "depth", "locale__language_code")
            .first()
        )
        page._default_twin = twin
    return page._default_twin


def localized_descendants(model, container):
    """Public live ``model`` pages under ``container``, plus those under its
    default-language translation that have no live translation in
    ``container``'s language yet.

    An English visitor then still sees news published only in Russian (marked
    with its language) instead of an emptier site."""
    own = Q(path__startswith=container.path, depth__gt=container.depth)
    twin = default_locale_twin(container)
    condition = own
    if twin is not None:
        twin_path, twin_depth, _language = twin
        translated = model.objects.live().filter(locale_id=container.locale_id)
        condition |= Q(path__startswith=twin_path, depth__gt=twin_depth) & ~Q(
            translation_key__in=translated.values("translation_key")
        )
    return public_pages(model.objects.filter(condition))


def fallback_language(container):
    """Language code of the items ``localized_descendants`` borrowed, or None."""
    twin = default_locale_twin(container)
    return twin[2] if twin else None
