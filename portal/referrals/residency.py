"""Data residency: which installation may hold a person's identifiable data.

Some countries keep their citizens' personal data at home (Uzbekistan's law on
personal data: only an installation in Uzbekistan). The setting
PORTAL_DATA_RESIDENCY names, per citizenship, the countries whose
installations may hold it; PORTAL_INSTALLATION_COUNTRY says where this one is.

What this means here: referrals and case records carry coded data only (age
band, gender, citizenship, forms of exploitation), never a name or a contact,
so they may be held anywhere; identity travels out of band. A document
uploaded to a referral (a consent form, a medical note) is the one thing that
may identify the person: portal.referrals.documents asks this module before it
keeps one, and refuses it when the person's citizenship keeps their data
elsewhere. A citizenship the setting does not name is not restricted, nor is
an unknown one (a case record without a citizenship).
"""

from django.conf import settings
from django.utils.translation import gettext as _

from portal.core.countries import country_name
from portal.core.policy import ALLOWED, FORBIDDEN, refuse


def installation_country():
    return (settings.PORTAL_INSTALLATION_COUNTRY or "").upper()


def allowed_countries(citizenship):
    """The countries whose installations may hold identifiable data of a
    person of this citizenship; None when it is not restricted."""
    code = (citizenship or "").upper()
    if not code or code not in settings.PORTAL_DATA_RESIDENCY:
        return None
    # A citizenship named with no country ("UZ=" in the environment) is kept
    # nowhere, rather than everywhere: a typo must not lift the restriction.
    return tuple(c.upper() for c in settings.PORTAL_DATA_RESIDENCY[code] or ())


def may_hold_identifiable(citizenship):
    """May this installation hold identifiable data (a document) of a person
    of ``citizenship``? A refusal names the country (or countries) allowed and
    says what to do instead."""
    allowed = allowed_countries(citizenship)
    if allowed is None or installation_country() in allowed:
        return ALLOWED
    if not allowed:
        return refuse(
            _(
                "Documents about this person cannot be kept on this portal: the data-residency "
                "setting names no country whose installations may hold their identifiable data. "
                "Share the document out of band and mention it in the thread; tell the "
                "coordinating office about the setting."
            ),
            FORBIDDEN,
        )
    names = ", ".join(str(country_name(code)) for code in allowed)
    return refuse(
        _(
            "Documents about this person cannot be kept on this portal: their identifiable "
            "data may be held only by an installation in %(allowed)s. Share the document "
            "out of band, through an installation in %(allowed)s or another channel agreed "
            "with the other organisation, and mention it in the thread."
        )
        % {"allowed": names},
        FORBIDDEN,
    )
