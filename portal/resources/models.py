from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from portal.core.countries import in_reading_order
from portal.core.pagination import paginate
from portal.home.blocks import BodyBlock
from portal.home.choices import COUNTRIES, COUNTRY_NAMES
from portal.home.documents import PRIVATE_DOCUMENT_MESSAGE, is_public_document
from portal.home.fields import ChoiceListField, split_values
from portal.home.models import BasePage
from portal.home.queries import fallback_language, localized_descendants, public_pages

from .choices import DOCUMENT_LANGUAGES, Audience, ResourceType, Topic
from .facets import facet_counts, filter_rows, make_row
from .forms import FILTERS, ResourceFilterForm

RESOURCES_PER_PAGE = 12
RELATED_COUNT = 3


class ResourceQuerySet(PageQuerySet):
    def featured_first(self):
        return self.order_by("-featured", "-date", "title")


ResourceManager = PageManager.from_queryset(ResourceQuerySet)


class ResourceIndexPage(BasePage):
    """The resource library in one language: filters with counts, paginated."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]
    search_text_fields = ("intro",)

    parent_page_types = ["home.HomePage"]
    subpage_types = ["resources.ResourcePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("resource library")

    def rows(self):
        """One compact row per resource listed here (a single query)."""
        resources = localized_descendants(ResourcePage, self).values_list(
            "pk",
            "date",
            "title",
            "topic",
            "audiences",
            "document_language",
            "countries",
            "resource_type",
        )
        return [
            make_row(
                pk,
                date,
                title,
                topic=topic,
                audiences=split_values(audiences),
                language=language,
                countries=split_values(countries),
                resource_type=resource_type,
            )
            for pk, date, title, topic, audiences, language, countries, resource_type in resources
        ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        form = ResourceFilterForm(request.GET if _filter_params(request) else None)
        selected = form.selected()
        rows = self.rows()
        form.set_counts(facet_counts(rows, selected))
        matching = filter_rows(rows, selected)
        page_obj = paginate(request, matching, RESOURCES_PER_PAGE)
        by_pk = {
            resource.pk: resource
            for resource in ResourcePage.for_listing(
                ResourcePage.objects.filter(pk__in=[row.pk for row in page_obj.object_list])
            )
        }
        page_obj.object_list = [by_pk[row.pk] for row in page_obj.object_list if row.pk in by_pk]
        context.update(
            filter_form=form,
            filters_invalid=form.is_bound and not form.is_valid(),
            active_filters=_active_filters(request, selected),
            result_count=len(matching),
            total_count=len(rows),
            page_obj=page_obj,
            fallback_language=fallback_language(self),
        )
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if getattr(response, "context_data", None) and response.context_data.get("filters_invalid"):
            # Unknown filter values are the visitor's mistake: say so with a 400
            # and show the list unfiltered with the error next to the filter.
            response.status_code = 400
        return response


def _filter_params(request):
    return any(request.GET.get(name) for name, *_rest in FILTERS)


def _active_filters(request, selected):
    """The chosen filters with a link that removes each one."""
    labels = {
        name: (label, dict(choices() if callable(choices) else choices))
        for name, label, _all, choices in FILTERS
    }
    active = []
    for name, value in selected.items():
        # The form sends empty fields too ("?topic=legal&audience="): drop them.
        params = {key: v for key, v in request.GET.items() if v and key not in (name, "page")}
        query = urlencode(params)
        label, choices = labels[name]
        active.append(
            {
                "name": name,
                "label": label,
                "value": choices.get(value, value),
                "remove_url": f"?{query}" if query else request.path,
            }
        )
    return active


class ResourcePage(BasePage):
    """A guide, legal text or training kit, with its document to download."""

    intro = models.TextField(
        _("summary"),
        max_length=500,
        help_text=_("Public. What the document is and who it helps; shown in lists and search."),
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        null=True,
        blank=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Public: anyone can download it. Never upload case files or personal data."),
    )
    resource_type = models.CharField(
        _("type"), max_length=20, choices=ResourceType.choices, default=ResourceType.GUIDE
    )
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    audiences = ChoiceListField(
        _("audience"), value_choices=Audience.choices, blank=False, help_text=_("Who it is for.")
    )
    document_language = models.CharField(
        _("language of the document"), max_length=5, choices=DOCUMENT_LANGUAGES
    )
    countries = ChoiceListField(
        _("countries"),
        value_choices=COUNTRIES,
        help_text=_("Countries the document applies to; leave empty if it applies everywhere."),
    )
    date = models.DateField(
        _("date"), default=timezone.localdate, help_text=_("When the document was published.")
    )
    publisher = models.CharField(
        _("published by"), max_length=200, blank=True, help_text=_("Who wrote or issued it.")
    )
    featured = models.BooleanField(
        _("feature on the home page"), default=False, help_text=_("Shown first on the home page.")
    )
    body = StreamField(
        BodyBlock(),
        blank=True,
        verbose_name=_("details"),
        help_text=_("Optional: contents, how to use it, what is new in this edition."),
    )

    objects = ResourceManager()

    content_panels = BasePage.content_panels + [
        FieldPanel("intro"),
        FieldPanel("document"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("resource_type"), FieldPanel("topic")]),
                FieldPanel("audiences"),
                FieldRowPanel([FieldPanel("document_language"), FieldPanel("date")]),
                FieldPanel("countries"),
                FieldPanel("publisher"),
            ],
            heading=_("Classification"),
        ),
        FieldPanel("featured"),
        FieldPanel("body"),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("intro"),
        index.SearchField("publisher"),
        index.SearchField("body"),
        index.FilterField("topic"),
        index.FilterField("resource_type"),
        index.FilterField("date"),
    ]
    search_text_fields = ("intro", "publisher", "body")

    parent_page_types = ["resources.ResourceIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    @classmethod
    def for_listing(cls, queryset):
        return queryset.defer_streamfields().select_related("document")

    @property
    def audience_codes(self):
        return split_values(self.audiences)

    @property
    def audience_labels(self):
        labels = dict(Audience.choices)
        return [labels[code] for code in self.audience_codes if code in labels]

    @property
    def country_codes(self):
        return split_values(self.countries)

    @property
    def country_labels(self):
        codes = [code for code in self.country_codes if code in COUNTRY_NAMES]
        return [COUNTRY_NAMES[code] for code in in_reading_order(codes)]

    def related_resources(self):
        return list(
            ResourcePage.for_listing(
                public_pages(
                    ResourcePage.objects.filter(locale_id=self.locale_id, topic=self.topic)
                )
                .exclude(pk=self.pk)
                .order_by("-date")
            )[:RELATED_COUNT]
        )

    def clean(self):
        super().clean()
        if self.document_id and not is_public_document(self.document):
            raise ValidationError({"document": PRIVATE_DOCUMENT_MESSAGE})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["related_resources"] = self.related_resources()
        return context
