"""The service directory: who offers help where (DESIGN "portal/referrals").

A provider is either a member organisation of the network (which may receive
referrals through the portal) or an external provider listed by name (a state
shelter, a bar association's legal clinic) that is reached by phone or mail.
Everything here is an organisation's public contact: never a person's private
data. ``notes_internal`` is the one field for network members only; who sees
which provider is decided in ``portal.referrals.policy``.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.core.countries import NETWORK_AREA_CODES, OTHER, OTHER_NAME, choices_for
from portal.members.models import Organisation, Workspace

COUNTRY_CHOICES = [*choices_for(NETWORK_AREA_CODES), (OTHER, OTHER_NAME)]


class Service(models.TextChoices):
    """What a provider offers: the assistance measures of ICMPD's Transnational
    Referral Mechanism and the OSCE/ODIHR National Referral Mechanisms
    handbook (2022)."""

    SHELTER = "shelter", _("Shelter and safe accommodation")
    LEGAL_AID = "legal_aid", _("Legal aid")
    MEDICAL = "medical", _("Medical care")
    PSYCHOLOGICAL = "psychological", _("Psychological support")
    RETURN = "return", _("Return and reintegration")
    LABOUR_RIGHTS = "labour_rights", _("Labour rights")
    INTERPRETATION = "interpretation", _("Interpretation")
    EMPLOYMENT = "employment", _("Education, vocational training and employment")
    FAMILY_TRACING = "family_tracing", _("Family tracing")
    MATERIAL = "material", _("Material and financial assistance")


class Language(models.TextChoices):
    """Languages spoken, ISO 639-1."""

    RU = "ru", _("Russian")
    KY = "ky", _("Kyrgyz")
    UZ = "uz", _("Uzbek")
    TG = "tg", _("Tajik")
    KK = "kk", _("Kazakh")
    EN = "en", _("English")
    TR = "tr", _("Turkish")
    FA = "fa", _("Persian")


class ServiceProviderQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def public(self):
        """Shown to anyone: on the get-help page and in public search."""
        return self.filter(active=True, public=True)


class ServiceProvider(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("member organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_providers",
        help_text=_("A member of the network. Leave empty for an external provider."),
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_(
            "Required for an external provider; a member organisation's own name is used otherwise."
        ),
    )
    # Lists of codes in JSON, not ArrayField: `make run` uses SQLite.
    services = models.JSONField(
        _("services"), default=list, help_text=_("What the provider offers.")
    )
    country = models.CharField(_("country"), max_length=5, choices=COUNTRY_CHOICES)
    region = models.CharField(_("region"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=200,
        blank=True,
        help_text=_("For example: Mon–Fri 9:00–18:00, hotline 24/7."),
    )
    phone = models.CharField(_("public phone"), max_length=40, blank=True)
    email = models.EmailField(_("public email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    accepts_referrals = models.BooleanField(
        _("accepts referrals through the portal"),
        default=False,
        help_text=_("Only member organisations can receive referrals through the portal."),
    )
    receiving_workspace = models.ForeignKey(
        Workspace,
        verbose_name=_("workspace that receives referrals"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "A workspace of this organisation: its case workers (members, managers "
            "and owners) answer the referrals sent to this provider."
        ),
    )
    public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Listed on the public get-help page and in public search."),
    )
    notes_internal = models.TextField(
        _("internal notes"),
        blank=True,
        help_text=_(
            "Visible to network members only: never shown on the public site. "
            "No names or contacts of victims."
        ),
    )
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Untick instead of deleting: the audit log and referrals refer to providers."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceProviderQuerySet.as_manager()

    class Meta:
        ordering = ["country", "city", "name", "pk"]
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(accepts_referrals=False),
                name="referrals_external_provider_accepts_no_referrals",
                violation_error_message=_(
                    "Only a member organisation can accept referrals through the portal."
                ),
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(name=""),
                name="referrals_external_provider_has_a_name",
                violation_error_message=_("An external provider needs a name."),
            ),
        ]

    def __str__(self):
        return self.display_name

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if not self.organisation_id and not self.name.strip():
            errors["name"] = _("An external provider needs a name.")
        if not self.organisation_id and self.accepts_referrals:
            errors["accepts_referrals"] = _(
                "Only a member organisation can accept referrals through the portal."
            )
        if self.accepts_referrals and not self.receiving_workspace_id:
            errors["receiving_workspace"] = _(
                "Choose the workspace whose case workers answer referrals."
            )
        if (
            self.receiving_workspace_id
            and self.organisation_id
            and self.receiving_workspace.organisation_id != self.organisation_id
        ):
            errors["receiving_workspace"] = _("Choose a workspace of this organisation.")
        if not isinstance(self.services, list) or not self.services:
            errors["services"] = _("Choose at least one service.")
        elif any(code not in Service.values for code in self.services):
            errors["services"] = _("Choose services from the list.")
        if not isinstance(self.languages, list) or any(
            code not in Language.values for code in self.languages
        ):
            errors["languages"] = _("Choose languages from the list.")
        if errors:
            raise ValidationError(errors)

    @property
    def display_name(self):
        if self.name:
            return self.name
        return self.organisation.name if self.organisation_id else ""

    @property
    def takes_referrals(self):
        """Referrals can be sent here now: a member that accepts them, with a
        workspace to receive them that is still open."""
        return bool(
            self.active
            and self.accepts_referrals
            and self.organisation_id
            and self.receiving_workspace_id
            and self.receiving_workspace.archived_at is None
        )

    @property
    def is_member(self):
        return self.organisation_id is not None

    def get_services_display(self):
        labels = dict(Service.choices)
        return [str(labels.get(code, code)) for code in self.services]

    def get_languages_display(self):
        labels = dict(Language.choices)
        return [str(labels.get(code, code)) for code in self.languages]
