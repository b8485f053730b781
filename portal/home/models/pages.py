from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from portal.core.countries import in_reading_order
from portal.members.models import Organisation

from ..blocks import BodyBlock
from ..choices import COUNTRY_NAMES
from .base import BasePage


class _TextPage(BasePage):
    intro = models.TextField(
        _("introduction"),
        blank=True,
        max_length=500,
        help_text=_("Public. Shown at the top and in search results."),
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = BasePage.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = BasePage.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    class Meta:
        abstract = True


class GetHelpPage(_TextPage):
    """Where someone at risk, or their family, finds who to call. The hotlines of
    every country are listed on the page from the hotline snippets."""

    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.ContentPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("get help page")

    def get_context(self, request, *args, **kwargs):
        from ..help_sections import help_sections_for

        context = super().get_context(request, *args, **kwargs)
        context["help_sections"] = help_sections_for(self)
        return context


class AboutPage(_TextPage):
    """About the network, with the list of its verified member organisations."""

    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.ContentPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("about page")

    def member_organisations(self):
        """Verified members grouped by country: [(country name, [organisations])]."""
        groups = {}
        organisations = (
            Organisation.objects.verified()
            .only("name", "country", "city", "website")
            .order_by("country", "name")
        )
        for organisation in organisations:
            groups.setdefault(organisation.country, []).append(organisation)
        return [
            (COUNTRY_NAMES.get(code, organisation_country_label(code)), groups[code])
            for code in in_reading_order(groups)
        ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["organisation_groups"] = self.member_organisations()
        return context


def organisation_country_label(code):
    field = Organisation._meta.get_field("country")
    return dict(field.choices).get(code, code)


class ContentPage(_TextPage):
    """Any other public page: a policy, an explanation, a contact page."""

    parent_page_types = ["home.HomePage", "home.GetHelpPage", "home.AboutPage", "home.ContentPage"]
    subpage_types = ["home.ContentPage"]

    class Meta:
        verbose_name = _("content page")
