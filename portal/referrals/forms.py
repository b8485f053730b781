from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.countries import sorted_choices

from .models import COUNTRY_CHOICES, Language, Service


def _country_choices():
    # Names in the reader's language, in the reading order of every country list.
    return [("", _("Any country")), *sorted_choices([code for code, _name in COUNTRY_CHOICES])]


class DirectoryFilterForm(forms.Form):
    """The GET filters of /services/. A value not in a list is an error on the
    form (the page says which filter), never a 500."""

    country = forms.ChoiceField(label=_("Country"), required=False, choices=_country_choices)
    service = forms.ChoiceField(
        label=_("Service"), required=False, choices=[("", _("Any service")), *Service.choices]
    )
    language = forms.ChoiceField(
        label=_("Language spoken"),
        required=False,
        choices=[("", _("Any language")), *Language.choices],
    )
    accepts_referrals = forms.BooleanField(
        label=_("Accepts referrals through the portal"), required=False
    )


def filtered(providers, data):
    """Apply the valid filters of a DirectoryFilterForm's cleaned data. The
    lists of codes are JSON (SQLite runs the demo), so services and languages
    are matched here; a directory holds dozens of providers, not thousands."""
    if data.get("country"):
        providers = providers.filter(country=data["country"])
    if data.get("accepts_referrals"):
        providers = providers.filter(accepts_referrals=True)
    rows = list(providers)
    if data.get("service"):
        rows = [p for p in rows if data["service"] in p.services]
    if data.get("language"):
        rows = [p for p in rows if data["language"] in p.languages]
    return rows
