"""Fixed vocabularies of the public site, shared by the page types."""

from django.utils.translation import gettext_lazy as _

from portal.core.countries import NETWORK_AREA_CODES, REGION_CODES, choices_for

# The network's three countries come first: hotlines exist for these only.
NETWORK_COUNTRIES = choices_for(REGION_CODES)
# Content may also concern the main destination countries of labour migration.
COUNTRIES = choices_for(NETWORK_AREA_CODES)
COUNTRY_NAMES = dict(COUNTRIES)

# Events carry the time zone of the place they happen in; editors pick from the
# zones the network works in rather than from six hundred names.
DEFAULT_EVENT_TIME_ZONE = "Asia/Bishkek"
TIME_ZONES = [
    ("Asia/Bishkek", _("Bishkek, Osh (UTC+6)")),
    ("Asia/Tashkent", _("Tashkent, Andijan, Ferghana (UTC+5)")),
    ("Asia/Dushanbe", _("Dushanbe, Khujand (UTC+5)")),
    ("Asia/Almaty", _("Almaty, Astana (UTC+5)")),
    ("Europe/Moscow", _("Moscow (UTC+3)")),
    ("Europe/Istanbul", _("Istanbul (UTC+3)")),
    ("Europe/Vienna", _("Vienna (Central European Time)")),
    ("UTC", _("Coordinated Universal Time (UTC)")),
]
