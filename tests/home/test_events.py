"""Events: upcoming and past lists, local times, calendar feed and .ics files."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from portal.home.models import EventPage
from tests.home.builders import add_event

pytestmark = pytest.mark.django_db


def unfolded_lines(response):
    return response.content.decode("utf-8").replace("\r\n ", "").split("\r\n")


def test_index_separates_upcoming_and_past_events(client, site):
    add_event(site.events, "Скоро семинар", days=3)
    add_event(site.events, "Прошлый тренинг", days=-10)

    context = client.get("/ru/events/").context

    assert [e.title for e in context["upcoming_events"]] == ["Скоро семинар"]
    assert [e.title for e in context["past_page"].object_list] == ["Прошлый тренинг"]


def test_an_event_running_now_is_still_upcoming(site):
    now = timezone.now()
    running = add_event(site.events, "Идёт сейчас", days=0)
    running.start, running.end = (
        now - datetime.timedelta(hours=1),
        now + datetime.timedelta(hours=1),
    )
    running.save()
    assert list(EventPage.objects.upcoming(now)) == [running]
    assert list(EventPage.objects.past(now)) == []


def test_per_event_ics_is_a_calendar_download_in_utc(client, site):
    event = add_event(site.events, "Семинар в Андижане", zone="Asia/Tashkent", days=5, hours=6)

    response = client.get(event.url + "ics/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    lines = unfolded_lines(response)
    start_utc = event.start.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start_utc}" in lines
    assert event.start.astimezone(ZoneInfo("Asia/Tashkent")).hour == 10
    assert "SUMMARY:Семинар в Андижане" in lines
    assert f"URL;VALUE=URI:http://testserver{event.url}" in lines
    assert any(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines)


def test_calendar_feed_lists_recent_and_coming_events_of_its_language(client, site):
    add_event(site.events, "Будущее", days=10)
    add_event(site.events, "Недавнее", days=-20)
    add_event(site.events, "Давнее", days=-400)

    response = client.get("/ru/events/calendar/")

    lines = unfolded_lines(response)
    summaries = [line.removeprefix("SUMMARY:") for line in lines if line.startswith("SUMMARY:")]
    assert summaries == ["Недавнее", "Будущее"]
    assert lines.count("BEGIN:VEVENT") == 2


def test_cancelled_event_is_cancelled_in_calendars(client, site):
    event = add_event(site.events, "Отменено", cancelled=True)
    assert "STATUS:CANCELLED" in unfolded_lines(client.get(event.url + "ics/"))


def test_admin_form_reads_and_shows_times_in_the_events_time_zone(site):
    """An editor in Bishkek types 10:00 for an event in Tashkent: the event
    starts at 10:00 Tashkent time, and the form shows 10:00 again."""
    event = add_event(site.events, "Семинар", zone="Asia/Tashkent")
    form_class = EventPage.get_edit_handler().get_form_class()
    data = {
        "title": event.title,
        "slug": event.slug,
        "intro": event.intro,
        "event_type": "workshop",
        "start": "2030-03-01 10:00",
        "end": "2030-03-01 16:00",
        "time_zone": "Asia/Tashkent",
        "attendance": "in_person",
        "city": "Андижан",
        "body-count": "0",
    }
    with translation.override("en"), timezone.override(ZoneInfo("Asia/Bishkek")):
        form = form_class(data, instance=event, for_user=None, parent_page=site.events)
        assert form.is_valid(), form.errors
        page = form.save(commit=False)
        shown = form_class(instance=page, for_user=None, parent_page=site.events)

    assert page.start == datetime.datetime(2030, 3, 1, 10, 0, tzinfo=ZoneInfo("Asia/Tashkent"))
    assert page.start.astimezone(datetime.UTC).hour == 5
    assert shown.initial["start"] == datetime.datetime(2030, 3, 1, 10, 0)


def test_index_links_to_its_calendar_feed_for_subscribers(client, site):
    add_event(site.events, "Будущее", days=10)

    html = client.get("/ru/events/").content.decode()

    assert '<a href="/ru/events/calendar/" class="button button--secondary">' in html
    assert (
        '<link rel="alternate" type="text/calendar" title="Мероприятия (iCalendar)" '
        'href="http://testserver/ru/events/calendar/">'
    ) in html
    feed = client.get("/ru/events/calendar/")
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    assert "SUMMARY:Будущее" in unfolded_lines(feed)
