from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.core.countries import NETWORK_AREA_CODES, OTHER, OTHER_NAME, choices_for

# Where member organisations are based: the network's area, or elsewhere.
COUNTRY_CHOICES = [*choices_for(NETWORK_AREA_CODES), (OTHER, OTHER_NAME)]


class OrganisationQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(verified=True)


class Organisation(models.Model):
    """A member NGO of the network (or the coordinating office itself)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    country = models.CharField(_("country"), max_length=5, choices=COUNTRY_CHOICES)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True, help_text=_("Public."))
    contact_email = models.EmailField(
        _("contact email"), blank=True, help_text=_("Public contact address of the organisation.")
    )
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    verified = models.BooleanField(
        _("verified"),
        default=False,
        help_text=_(
            "Checked by the coordinating office. People of verified organisations see "
            "material shared with the whole network, and the organisation is listed publicly."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name
