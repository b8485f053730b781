from django.db import models
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from ..blocks import BodyBlock
from ..queries import fallback_language, localized_descendants
from ..sections import sections_for
from .base import BasePage

HOME_NEWS_COUNT = 4
HOME_EVENTS_COUNT = 3


class HomePage(BasePage):
    """The root of the public site in each language."""

    lead = models.CharField(
        _("lead message"),
        max_length=300,
        blank=True,
        help_text=_("Public. One or two sentences at the top of the home page."),
    )
    body = StreamField(
        BodyBlock(),
        blank=True,
        verbose_name=_("more about the network"),
        help_text=_("Public. Optional text shown below the news, events and resources."),
    )

    content_panels = BasePage.content_panels + [FieldPanel("lead"), FieldPanel("body")]
    search_fields = BasePage.search_fields + [
        index.SearchField("lead"),
        index.SearchField("body"),
    ]
    search_text_fields = ("lead", "body")

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "home.NewsIndexPage",
        "home.EventIndexPage",
        "home.CampaignIndexPage",
        "home.GetHelpPage",
        "home.AboutPage",
        "home.ContentPage",
        "resources.ResourceIndexPage",
    ]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    @property
    def summary(self):
        return self.lead

    def latest_news(self):
        """News newest first, this language's own items before those borrowed
        from the default language: a reader of /en/ sees the newest English
        news first, and Russian-only ones fill the list only when there are too
        few English items (better than an empty column on a young translation;
        the cards say their language). One query: the preference is a sort key."""
        from .news import NewsPage

        own_language_first = Case(
            When(locale_id=self.locale_id, then=Value(0)),
            default=Value(1),
            output_field=models.IntegerField(),
        )
        return localized_descendants(NewsPage, self).order_by(
            own_language_first, "-date", "-first_published_at", "-pk"
        )

    def get_context(self, request, *args, **kwargs):
        from .campaigns import CampaignPage
        from .events import EventPage
        from .news import NewsPage

        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        # Lazy: the template's public_fragment renders them once per content
        # version; a hit runs none of these queries.
        context.update(
            latest_news=SimpleLazyObject(
                lambda: list(NewsPage.for_listing(self.latest_news())[:HOME_NEWS_COUNT])
            ),
            upcoming_events=SimpleLazyObject(
                lambda: list(
                    EventPage.for_listing(localized_descendants(EventPage, self).upcoming(now))[
                        :HOME_EVENTS_COUNT
                    ]
                )
            ),
            current_campaign=SimpleLazyObject(
                lambda: (
                    localized_descendants(CampaignPage, self)
                    .not_finished(now.date())
                    .in_display_order(now.date())
                    .defer_streamfields()
                    .select_related("image")
                    .first()
                )
            ),
            # What the apps built on home show here (the resource library).
            home_sections=SimpleLazyObject(lambda: sections_for(self)),
            fallback_language=SimpleLazyObject(lambda: fallback_language(self)),
        )
        return context
