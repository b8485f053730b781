import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import TranslatableMixin
from wagtail.search import index

from ..choices import NETWORK_COUNTRIES
from ..review import review_flag_field

_DIALLABLE = re.compile(r"[^\d+]")


class Hotline(TranslatableMixin, index.Indexed, models.Model):
    """A free telephone line where someone at risk can ask for help. Shown on
    every page of the portal; translate it like a page (hours and languages are
    text in the visitor's language)."""

    country = models.CharField(_("country"), max_length=2, choices=NETWORK_COUNTRIES)
    organisation = models.CharField(
        _("organisation"), max_length=200, help_text=_("Who answers the line.")
    )
    phone = models.CharField(
        _("number"),
        max_length=40,
        help_text=_("As people dial it inside the country, e.g. 189 or +996 312 00 00 00."),
    )
    hours = models.CharField(_("hours"), max_length=120, help_text=_("e.g. 24 hours, every day."))
    languages = models.CharField(
        _("languages"), max_length=200, help_text=_("Languages spoken on the line.")
    )
    note = models.CharField(
        _("note"),
        max_length=250,
        blank=True,
        help_text=_("Optional, e.g. free of charge from any mobile network."),
    )
    sort_order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers come first within a country.")
    )
    needs_native_review = review_flag_field()

    panels = [
        FieldRowPanel([FieldPanel("country"), FieldPanel("sort_order")]),
        FieldPanel("organisation"),
        FieldPanel("phone"),
        FieldPanel("hours"),
        FieldPanel("languages"),
        FieldPanel("note"),
        FieldPanel("needs_native_review"),
    ]
    search_fields = [
        index.SearchField("organisation"),
        index.SearchField("phone"),
        index.FilterField("country"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("hotline")
        verbose_name_plural = _("hotlines")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return f"{self.get_country_display()}: {self.organisation} ({self.phone})"

    @property
    def tel_href(self):
        """The tel: URI (RFC 3966): digits and a leading plus only."""
        return "tel:" + _DIALLABLE.sub("", self.phone)

    def clean(self):
        super().clean()
        digits = _DIALLABLE.sub("", self.phone).lstrip("+")
        if not digits.isdigit() or len(digits) < 3:
            raise ValidationError(
                {"phone": _("Enter a number people can dial, e.g. 189 or +996 312 00 00 00.")}
            )
        if "+" in self.phone.strip()[1:]:
            raise ValidationError({"phone": _("A plus sign may only come first.")})
