"""A small iCalendar (RFC 5545) writer: exactly what event feeds need.

- Content lines end with CRLF and are folded at 75 octets (3.1), never inside a
  UTF-8 character, continuation lines starting with one space.
- TEXT values escape backslash, semicolon, comma and newlines (3.3.11).
- Date-times are written in UTC with the "Z" suffix (3.3.5, form #2), so no
  VTIMEZONE component is needed and every client places the event correctly;
  the event's own time zone is named in the description for people.
- DTSTAMP is the time the event was last published (3.8.7.2: without a METHOD
  property it is when the information was last revised), which keeps the
  output of an unchanged event byte-for-byte stable.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

CRLF = "\r\n"
MAX_LINE_OCTETS = 75


def escape_text(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def format_utc(value: datetime.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("iCalendar date-times must be aware")
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Fold one content line into chunks of at most 75 octets."""
    encoded = line.encode("utf-8")
    if len(encoded) <= MAX_LINE_OCTETS:
        return line
    chunks = []
    current = ""
    size = 0
    limit = MAX_LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            chunks.append(current)
            # Continuation lines begin with a space, which counts towards 75.
            current, size, limit = char, width, MAX_LINE_OCTETS - 1
        else:
            current += char
            size += width
    chunks.append(current)
    return (CRLF + " ").join(chunks)


def content_line(name: str, text: str, params: dict[str, str] | None = None) -> str:
    param_text = "".join(f";{key}={val}" for key, val in (params or {}).items())
    return fold(f"{name}{param_text}:{text}")


@dataclass
class Event:
    uid: str
    start: datetime.datetime
    summary: str
    stamp: datetime.datetime
    end: datetime.datetime | None = None
    description: str = ""
    location: str = ""
    url: str = ""
    status: str = "CONFIRMED"  # or "CANCELLED"
    categories: list[str] = field(default_factory=list)
    last_modified: datetime.datetime | None = None

    def lines(self):
        yield "BEGIN:VEVENT"
        yield content_line("UID", escape_text(self.uid))
        yield content_line("DTSTAMP", format_utc(self.stamp))
        yield content_line("DTSTART", format_utc(self.start))
        if self.end:
            yield content_line("DTEND", format_utc(self.end))
        yield content_line("SUMMARY", escape_text(self.summary))
        if self.description:
            yield content_line("DESCRIPTION", escape_text(self.description))
        if self.location:
            yield content_line("LOCATION", escape_text(self.location))
        if self.url:
            # URI values are not TEXT: no escaping (3.3.13).
            yield content_line("URL", self.url, {"VALUE": "URI"})
        if self.categories:
            yield content_line("CATEGORIES", ",".join(escape_text(c) for c in self.categories))
        yield content_line("STATUS", self.status)
        if self.last_modified:
            yield content_line("LAST-MODIFIED", format_utc(self.last_modified))
        yield "END:VEVENT"


@dataclass
class Calendar:
    product_id: str
    name: str = ""
    events: list[Event] = field(default_factory=list)
    refresh_hours: int = 6

    def serialize(self) -> bytes:
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            content_line("PRODID", escape_text(self.product_id)),
            "CALSCALE:GREGORIAN",
        ]
        if self.name:
            # NAME is RFC 7986; X-WR-CALNAME is what older clients read.
            lines.append(content_line("NAME", escape_text(self.name)))
            lines.append(content_line("X-WR-CALNAME", escape_text(self.name)))
        lines.append(
            content_line("REFRESH-INTERVAL", f"PT{self.refresh_hours}H", {"VALUE": "DURATION"})
        )
        lines.append(content_line("X-PUBLISHED-TTL", f"PT{self.refresh_hours}H"))
        for event in self.events:
            lines.extend(event.lines())
        lines.append("END:VCALENDAR")
        return (CRLF.join(lines) + CRLF).encode("utf-8")
