import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from portal.core.pagination import paginate

from .. import ical
from ..blocks import BodyBlock
from ..choices import COUNTRIES, COUNTRY_NAMES, DEFAULT_EVENT_TIME_ZONE, TIME_ZONES
from ..queries import fallback_language, localized_descendants, public_pages
from .base import BasePage, PortalPageForm

PAST_EVENTS_PER_PAGE = 10
# The calendar feed carries the coming events and those of the last months, so a
# subscriber's calendar keeps recent history without growing for ever.
FEED_PAST_DAYS = 180
FEED_MAX_EVENTS = 200


class EventType(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    TRAINING_LAWYERS = "training_lawyers", _("Training for lawyers")
    TRAINING_POLICE = "training_police", _("Training for police")
    TRAINING = "training", _("Training")
    NETWORK_MEETING = "network_meeting", _("Network meeting")
    CONFERENCE = "conference", _("Conference")
    PUBLIC_EVENT = "public_event", _("Public event")


class Attendance(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("In person and online")


class EventQuerySet(PageQuerySet):
    def upcoming(self, now):
        """Events that have not ended (running ones included), soonest first."""
        return self.filter(
            Q(end__gte=now) | Q(end__isnull=True, start__gte=now - datetime.timedelta(hours=2))
        ).order_by("start")

    def past(self, now):
        return self.exclude(
            Q(end__gte=now) | Q(end__isnull=True, start__gte=now - datetime.timedelta(hours=2))
        ).order_by("-start")


EventManager = PageManager.from_queryset(EventQuerySet)


class EventPageForm(PortalPageForm):
    """Editors type the local time of the place, whatever time zone their own
    admin account uses: the form shows and reads start and end in the event's
    time zone."""

    TIME_FIELDS = ("start", "end")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = ZoneInfo(self.instance.time_zone or DEFAULT_EVENT_TIME_ZONE)
        for name in self.TIME_FIELDS:
            value = getattr(self.instance, name, None)
            if name in self.fields and value is not None and timezone.is_aware(value):
                self.initial[name] = timezone.make_naive(value, zone)

    def clean(self):
        cleaned = super().clean()
        zone = ZoneInfo(cleaned.get("time_zone") or DEFAULT_EVENT_TIME_ZONE)
        typed_in = timezone.get_current_timezone()
        for name in self.TIME_FIELDS:
            value = cleaned.get(name)
            if value is not None:
                wall_clock = (
                    timezone.make_naive(value, typed_in) if timezone.is_aware(value) else value
                )
                cleaned[name] = timezone.make_aware(wall_clock, zone)
        return cleaned


class EventIndexPage(RoutablePageMixin, BasePage):
    # The calendar feed's address below the index: no event may take it.
    RESERVED_SLUGS = frozenset({"calendar"})

    intro = models.TextField(_("introduction"), blank=True, max_length=500)

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]
    search_text_fields = ("intro",)

    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.EventPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("event index")

    def events(self):
        return localized_descendants(EventPage, self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        events = self.events()
        context.update(
            upcoming_events=list(EventPage.for_listing(events.upcoming(now))),
            past_page=paginate(
                request, EventPage.for_listing(events.past(now)), PAST_EVENTS_PER_PAGE
            ),
            fallback_language=fallback_language(self),
            calendar_url=self.calendar_url(request),
        )
        return context

    @path("calendar/", name="calendar")
    def calendar_feed(self, request):
        now = timezone.now()
        events = (
            public_pages(EventPage.objects.descendant_of(self))
            .filter(start__gte=now - datetime.timedelta(days=FEED_PAST_DAYS))
            .select_related("organiser", "locale")
            .defer_streamfields()
            .order_by("start")[:FEED_MAX_EVENTS]
        )
        calendar = ical.Calendar(
            product_id=f"-//{settings.WAGTAIL_SITE_NAME}//Events//{self.locale.language_code.upper()}",
            name=f"{self.title} · {settings.WAGTAIL_SITE_NAME}",
            events=[event.as_ical_event(request) for event in events],
        )
        return calendar_response(calendar, f"{self.slug}.ics")

    def calendar_url(self, request=None):
        return self.get_url(request) + self.reverse_subpage("calendar")


class EventPage(RoutablePageMixin, BasePage):
    """A workshop, a training, a network meeting: when, where, how to take part."""

    intro = models.TextField(
        _("summary"),
        max_length=400,
        help_text=_("Public. One or two sentences shown in lists and calendars."),
    )
    event_type = models.CharField(
        _("type"), max_length=30, choices=EventType.choices, default=EventType.WORKSHOP
    )
    start = models.DateTimeField(
        _("starts"), help_text=_("Local time at the event's place, in the time zone below.")
    )
    end = models.DateTimeField(
        _("ends"),
        null=True,
        blank=True,
        help_text=_("Local time at the event's place, in the time zone below."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=40, choices=TIME_ZONES, default=DEFAULT_EVENT_TIME_ZONE
    )
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, default=Attendance.IN_PERSON
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES, blank=True)
    online_url = models.URLField(
        _("online meeting link"),
        blank=True,
        help_text=_(
            "Public: anyone can read it. For closed meetings leave it empty and send the "
            "link to registered people."
        ),
    )
    organiser = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("organiser"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organiser_name = models.CharField(
        _("organiser (other)"),
        max_length=200,
        blank=True,
        help_text=_("When the organiser is not a member organisation."),
    )
    registration_url = models.URLField(_("registration link"), blank=True)
    cancelled = models.BooleanField(
        _("cancelled"),
        default=False,
        help_text=_("Keeps the page and tells people it will not happen."),
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    objects = EventManager()
    base_form_class = EventPageForm

    content_panels = BasePage.content_panels + [
        FieldPanel("intro"),
        FieldPanel("event_type"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("time_zone"),
                FieldPanel("cancelled"),
            ],
            heading=_("When"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("attendance"),
                FieldPanel("venue"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("city"), FieldPanel("country")]),
                FieldPanel("online_url"),
            ],
            heading=_("Where"),
        ),
        MultiFieldPanel(
            [FieldPanel("organiser"), FieldPanel("organiser_name"), FieldPanel("registration_url")],
            heading=_("Organiser and registration"),
        ),
        FieldPanel("body"),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("intro"),
        index.SearchField("venue"),
        index.SearchField("city"),
        index.SearchField("body"),
        index.FilterField("start"),
    ]
    search_text_fields = ("intro", "venue", "address", "city", "body")

    parent_page_types = ["home.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    @classmethod
    def for_listing(cls, queryset):
        return queryset.defer_streamfields().select_related("organiser")

    @property
    def zone(self):
        return ZoneInfo(self.time_zone or DEFAULT_EVENT_TIME_ZONE)

    @property
    def is_online(self):
        return self.attendance in (Attendance.ONLINE, Attendance.HYBRID)

    @property
    def is_in_person(self):
        return self.attendance in (Attendance.IN_PERSON, Attendance.HYBRID)

    @property
    def organiser_display(self):
        return self.organiser.name if self.organiser else self.organiser_name

    @property
    def place(self):
        """The place in one line: venue, address, city, country."""
        parts = [self.venue, self.address, self.city]
        if self.country:
            parts.append(str(COUNTRY_NAMES.get(self.country, self.country)))
        return ", ".join(part for part in parts if part)

    def is_past(self, now=None):
        now = now or timezone.now()
        return (self.end or self.start) < now

    def clean(self):
        super().clean()
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("The event must end after it starts.")
        if self.is_in_person and not (self.venue or self.city):
            errors["city"] = _("Say where the event takes place: a venue or at least a city.")
        if self.slug in EventIndexPage.RESERVED_SLUGS:
            errors["slug"] = _("This address is used by the calendar feed; choose another one.")
        if self.is_online and not (self.online_url or self.registration_url):
            errors["online_url"] = _(
                "Give the online meeting link, or a registration link through which people get it."
            )
        if errors:
            raise ValidationError(errors)

    def as_ical_event(self, request):
        url = request.build_absolute_uri(self.get_url(request))
        with translation.override(self.locale.language_code):
            location = self.place
            if self.is_online:
                online = str(_("Online"))
                location = f"{location} / {online}" if location else online
            zone_name = dict(TIME_ZONES).get(self.time_zone, self.time_zone)
            lines = [self.intro]
            if self.organiser_display:
                lines.append(_("Organiser: %(name)s") % {"name": self.organiser_display})
            lines.append(_("Time zone: %(zone)s") % {"zone": zone_name})
            if self.registration_url:
                lines.append(_("Registration: %(url)s") % {"url": self.registration_url})
            if self.online_url:
                lines.append(_("Online meeting link: %(url)s") % {"url": self.online_url})
            lines.append(url)
            category = str(self.get_event_type_display())
        return ical.Event(
            # Stable across hosts and edits; one per language version of the event.
            uid=f"{self.translation_key}-{self.locale.language_code}",
            start=self.start,
            end=self.end,
            summary=self.title,
            description="\n".join(line for line in lines if line),
            location=location,
            url=url,
            status="CANCELLED" if self.cancelled else "CONFIRMED",
            categories=[category],
            stamp=self.last_published_at or self.latest_revision_created_at or timezone.now(),
            last_modified=self.last_published_at,
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["ics_url"] = self.ics_url(request)
        return context

    @path("ics/", name="ics")
    def ics_download(self, request):
        calendar = ical.Calendar(
            product_id=f"-//{settings.WAGTAIL_SITE_NAME}//Events//{self.locale.language_code.upper()}",
            events=[self.as_ical_event(request)],
        )
        return calendar_response(calendar, f"{self.slug}.ics", attachment=True)

    def ics_url(self, request=None):
        return self.get_url(request) + self.reverse_subpage("ics")


def calendar_response(calendar, filename, attachment=False):
    response = HttpResponse(calendar.serialize(), content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
