import datetime

from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from portal.core.pagination import paginate

from ..blocks import BodyBlock
from ..choices import COUNTRIES
from ..fields import ChoiceListField, split_values
from ..queries import fallback_language, localized_descendants, public_pages
from .base import BasePage, IllustratedPage
from .listing import card_image_prefetch

NEWS_PER_PAGE = 10
FEED_ITEMS = 20
RELATED_COUNT = 3


class NewsIndexPage(RoutablePageMixin, BasePage):
    """The list of news in one language, with tag filter and feeds."""

    # Addresses of the feeds below the index: no news item may take them.
    RESERVED_SLUGS = frozenset({"feed"})

    intro = models.TextField(_("introduction"), blank=True, max_length=500)

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]
    search_text_fields = ("intro",)

    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.NewsPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("news index")

    def news(self):
        return localized_descendants(NewsPage, self).order_by("-date", "-first_published_at")

    def tags(self):
        """Tags of the news listed here, with the number of items each."""
        return (
            Tag.objects.filter(home_newspagetag_items__content_object__in=self.news())
            .annotate(item_count=models.Count("home_newspagetag_items", distinct=True))
            .order_by("name")
        )

    def tagged_news(self, slug, tags=None):
        """The news listed here that carry the tag ``slug`` (all of them when
        ``slug`` is empty), and that tag: what the index and its feeds show
        for ``?tag=``. A slug no listed news carries is a 404, unknown or
        malformed alike (a NUL would make PostgreSQL fail): it is looked up
        among ``tags()``, never sent to the database."""
        news = self.news()
        if not slug:
            return news, None
        tag = next((t for t in (self.tags() if tags is None else tags) if t.slug == slug), None)
        if tag is None:
            raise Http404(_("No news carry this tag."))
        return news.filter(tags=tag), tag

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        tags = list(self.tags())
        news, tag = self.tagged_news(request.GET.get("tag"), tags)
        context.update(
            tags=tags,
            current_tag=tag,
            page_obj=paginate(request, NewsPage.for_listing(news), NEWS_PER_PAGE),
            fallback_language=fallback_language(self),
            feeds=self.feed_urls(request),
        )
        return context

    @path("feed/", name="rss")
    def rss_feed(self, request):
        return NewsFeed(self)(request)

    @path("feed/atom/", name="atom")
    def atom_feed(self, request):
        return AtomNewsFeed(self)(request)

    def feed_urls(self, request=None):
        base = self.get_url(request)
        return {
            "rss": base + self.reverse_subpage("rss"),
            "atom": base + self.reverse_subpage("atom"),
        }


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "home.NewsPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class NewsPageRelatedPage(Orderable):
    page = ParentalKey("home.NewsPage", related_name="related_pages", on_delete=models.CASCADE)
    target = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [PageChooserPanel("target")]

    class Meta(Orderable.Meta):
        verbose_name = _("related page")
        verbose_name_plural = _("related pages")


class NewsPage(IllustratedPage):
    date = models.DateField(
        _("publication date"),
        default=timezone.localdate,
        help_text=_("Public. Shown on the page and used to order the news."),
    )
    intro = models.TextField(
        _("summary"),
        max_length=400,
        help_text=_("Public. One or two sentences shown in lists, feeds and search results."),
    )
    author_organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("author organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Public. The member organisation that wrote or sent the news."),
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"))
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("tags"))
    countries = ChoiceListField(
        _("countries"),
        value_choices=COUNTRIES,
        help_text=_("Countries the news concerns; used by search filters."),
    )

    content_panels = BasePage.content_panels + [
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("author_organisation")],
            heading=_("Publication"),
        ),
        FieldPanel("intro"),
        IllustratedPage.image_panel,
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("tags"), FieldPanel("countries")], heading=_("Topics")),
        InlinePanel("related_pages", label=_("Related pages")),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]

    parent_page_types = ["home.NewsIndexPage"]
    subpage_types = []
    og_type = "article"

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")

    @classmethod
    def for_listing(cls, queryset):
        """What a news card needs, in a fixed number of queries (cards show no
        tags: the news page and the feeds load their own)."""
        return (
            queryset.defer_streamfields()
            .select_related("author_organisation")
            .prefetch_related(card_image_prefetch())
        )

    @property
    def country_codes(self):
        return split_values(self.countries)

    def clean(self):
        super().clean()
        errors = self.image_errors()
        if self.slug in NewsIndexPage.RESERVED_SLUGS:
            errors["slug"] = _("This address is used by the news feed; choose another one.")
        if errors:
            raise ValidationError(errors)

    def related_items(self, tags=None):
        """Pages the editor chose, in this page's language where translated,
        then recent news sharing a tag, up to RELATED_COUNT."""
        chosen_keys = [
            key
            for key in self.related_pages.values_list("target__translation_key", flat=True)
            if key
        ]
        items = []
        if chosen_keys:
            candidates = public_pages(
                Page.objects.filter(translation_key__in=chosen_keys).select_related("locale")
            ).exclude(pk=self.pk)
            by_key = {}
            for candidate in candidates:
                best = by_key.get(candidate.translation_key)
                if best is None or candidate.locale_id == self.locale_id:
                    by_key[candidate.translation_key] = candidate
            items = [by_key[key] for key in chosen_keys if key in by_key]
        if len(items) < RELATED_COUNT:
            tag_ids = [tag.pk for tag in (self.tags.all() if tags is None else tags)]
            if tag_ids:
                seen = {item.translation_key for item in items} | {self.translation_key}
                similar = (
                    public_pages(
                        NewsPage.objects.filter(locale_id=self.locale_id, tags__in=tag_ids)
                    )
                    .exclude(translation_key__in=seen)
                    .defer_streamfields()
                    .distinct()
                    .order_by("-date")[: RELATED_COUNT - len(items)]
                )
                items.extend(similar)
        return items[:RELATED_COUNT]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        tags = list(self.tags.all())
        context.update(tags=tags, related_items=self.related_items(tags))
        return context


class NewsFeed(Feed):
    """RSS 2.0 feed of the latest news of one news index (one language)."""

    feed_type = Rss201rev2Feed

    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page
        self.language = index_page.locale.language_code

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return self.index_page.title

    def link(self):
        return self.index_page.get_url(self.request)

    def description(self):
        return self.index_page.intro or self.index_page.title

    def feed_url(self):
        return self.request.path

    def items(self):
        # The same news as the index page, filtered by the same rule.
        news, _tag = self.index_page.tagged_news(self.request.GET.get("tag"))
        return (
            news.defer_streamfields()
            .select_related("author_organisation")
            .prefetch_related("tags")[:FEED_ITEMS]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.intro

    def item_link(self, item):
        return item.get_url(self.request)

    def item_pubdate(self, item):
        """The publication date editors set; the time of first publication
        when that was the same day, else the start of that day."""
        published = item.first_published_at
        if published and timezone.localdate(published) == item.date:
            return published
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time.min))

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        return item.author_organisation.name if item.author_organisation else None

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class AtomNewsFeed(NewsFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()
