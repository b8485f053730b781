"""Translations nobody fluent has checked yet.

The Kyrgyz, Uzbek and Tajik texts of the demo were written by the developers,
not by native speakers. A person at risk reads the get-help page and the
hotlines in these languages, so a clumsy or wrong sentence there can cost a
call. Every page and hotline carries a flag the admin shows until a native
speaker from a member organisation has read the text and switched it off.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

FIELD_NAME = "needs_native_review"


def review_flag_field():
    return models.BooleanField(
        _("needs a native speaker's review"),
        default=False,
        help_text=_(
            "On while this text is a translation that no native speaker has checked yet "
            "(written by a non-native speaker or a machine). Switch it off once someone "
            "fluent has read and corrected it. Only editors see this flag."
        ),
    )


def review_label(title, needs_review):
    """The title the admin lists and headers show: marked while unchecked."""
    if not needs_review:
        return title
    return _("%(title)s [needs a native speaker's review]") % {"title": title}
