from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from portal.core.pagination import paginate

from ..blocks import BodyBlock, MaterialsBlock
from ..choices import COUNTRIES
from ..fields import ChoiceListField, split_values
from ..queries import fallback_language, localized_descendants
from .base import BasePage, IllustratedPage
from .listing import card_image_prefetch

CAMPAIGNS_PER_PAGE = 12


class CampaignStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    CURRENT = "current", _("Running now")
    FINISHED = "finished", _("Finished")


class CampaignQuerySet(PageQuerySet):
    def not_finished(self, today):
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))

    def in_display_order(self, today):
        """Running campaigns first (the latest started on top), then the next ones."""
        return self.annotate(
            _running=Case(When(start_date__lte=today, then=Value(0)), default=Value(1))
        ).order_by("_running", "-start_date")


CampaignManager = PageManager.from_queryset(CampaignQuerySet)


class CampaignIndexPage(BasePage):
    intro = models.TextField(_("introduction"), blank=True, max_length=500)

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]
    search_text_fields = ("intro",)

    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.CampaignPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("campaign index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        campaigns = (
            localized_descendants(CampaignPage, self)
            .in_display_order(timezone.localdate())
            .defer_streamfields()
            .prefetch_related(card_image_prefetch())
        )
        context["page_obj"] = paginate(request, campaigns, CAMPAIGNS_PER_PAGE)
        context["fallback_language"] = fallback_language(self)
        return context


class CampaignPage(IllustratedPage):
    """An awareness campaign: dates, where it runs, what it says, its materials."""

    intro = models.TextField(
        _("summary"),
        max_length=400,
        help_text=_("Public. One or two sentences shown in lists and search results."),
    )
    start_date = models.DateField(_("starts"))
    end_date = models.DateField(
        _("ends"), null=True, blank=True, help_text=_("Leave empty for an ongoing campaign.")
    )
    countries = ChoiceListField(_("countries"), value_choices=COUNTRIES)
    target_regions = models.CharField(
        _("target regions"),
        max_length=300,
        blank=True,
        help_text=_("Public. For example: Osh and Jalal-Abad regions, Sughd region."),
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"))
    materials = StreamField(
        MaterialsBlock(),
        blank=True,
        verbose_name=_("materials"),
        help_text=_("Public. Leaflets, posters and links people can use and share."),
    )

    objects = CampaignManager()

    content_panels = BasePage.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
                FieldPanel("countries"),
                FieldPanel("target_regions"),
            ],
            heading=_("When and where"),
        ),
        IllustratedPage.image_panel,
        FieldPanel("body"),
        FieldPanel("materials"),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("intro"),
        index.SearchField("target_regions"),
        index.SearchField("body"),
        index.FilterField("start_date"),
    ]
    search_text_fields = ("intro", "target_regions", "body", "materials")

    parent_page_types = ["home.CampaignIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    @property
    def country_codes(self):
        return split_values(self.countries)

    def status(self, today=None):
        today = today or timezone.localdate()
        if self.start_date > today:
            return CampaignStatus.UPCOMING
        if self.end_date and self.end_date < today:
            return CampaignStatus.FINISHED
        return CampaignStatus.CURRENT

    @property
    def status_label(self):
        return self.status().label

    def clean(self):
        super().clean()
        errors = self.image_errors()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The campaign cannot end before it starts.")
        if errors:
            raise ValidationError(errors)
