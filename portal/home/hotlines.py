"""The hotlines as every page shows them: plain dicts, ready for the page chrome
and for the hotline file that outlives a database outage."""

from __future__ import annotations

from django.utils import translation

from portal.core.countries import in_reading_order

from .choices import COUNTRY_NAMES
from .queries import default_language


def in_language(language):
    """Hotlines in ``language``; a line without a translation shows in the
    default language rather than not at all. Countries by name in that
    language, then the editors' order within a country."""
    from .models import Hotline

    fallback = default_language()
    chosen = {}
    for hotline in Hotline.objects.select_related("locale").filter(
        locale__language_code__in={language, fallback}
    ):
        best = chosen.get(hotline.translation_key)
        if best is None or hotline.locale.language_code == language:
            chosen[hotline.translation_key] = hotline
    with translation.override(language):
        country_order = in_reading_order({h.country for h in chosen.values()})
        lines = sorted(
            chosen.values(),
            key=lambda h: (country_order.index(h.country), h.sort_order, h.pk),
        )
        return [
            {
                "country": h.country,
                "country_name": str(COUNTRY_NAMES.get(h.country, h.country)),
                "organisation": h.organisation,
                "phone": h.phone,
                "tel": h.tel_href,
                "hours": h.hours,
                "languages": h.languages,
                "note": h.note,
                "language": h.locale.language_code,
            }
            for h in lines
        ]
