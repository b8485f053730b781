"""The iCalendar writer follows RFC 5545: folding, escaping, UTC times."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.home import ical


def unfold(text):
    return text.replace("\r\n ", "")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=400))
def test_folded_lines_are_at_most_75_octets_and_unfold_to_the_original(value):
    line = f"DESCRIPTION:{value}"
    folded = ical.fold(line)
    for physical in folded.split("\r\n"):
        assert len(physical.encode("utf-8")) <= 75
    assert unfold(folded) == line


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a,b;c", "a\\,b\\;c"),
        ("back\\slash", "back\\\\slash"),
        ("two\nlines", "two\\nlines"),
        ("windows\r\nlines", "windows\\nlines"),
    ],
)
def test_text_values_are_escaped(raw, escaped):
    assert ical.escape_text(raw) == escaped


def test_times_are_written_in_utc_and_naive_times_are_refused():
    start = datetime.datetime(2026, 3, 1, 10, 0, tzinfo=ZoneInfo("Asia/Tashkent"))
    assert ical.format_utc(start) == "20260301T050000Z"
    with pytest.raises(ValueError):
        ical.format_utc(datetime.datetime(2026, 3, 1, 10, 0))


def test_calendar_has_crlf_lines_and_required_properties():
    stamp = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    event = ical.Event(
        uid="abc-ru",
        start=datetime.datetime(2026, 3, 1, 4, 0, tzinfo=datetime.UTC),
        end=datetime.datetime(2026, 3, 1, 6, 0, tzinfo=datetime.UTC),
        summary="Семинар, Ош",
        stamp=stamp,
        url="https://example.org/ru/events/x/",
        status="CANCELLED",
    )
    text = ical.Calendar(product_id="-//Test//EN", name="Events", events=[event]).serialize()
    decoded = text.decode("utf-8")
    assert decoded.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n")
    assert decoded.endswith("END:VCALENDAR\r\n")
    assert "\n" not in decoded.replace("\r\n", "")
    lines = unfold(decoded).split("\r\n")
    assert "UID:abc-ru" in lines
    assert "DTSTAMP:20260101T000000Z" in lines
    assert "DTSTART:20260301T040000Z" in lines
    assert "SUMMARY:Семинар\\, Ош" in lines
    assert "URL;VALUE=URI:https://example.org/ru/events/x/" in lines
    assert "STATUS:CANCELLED" in lines
