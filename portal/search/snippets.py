"""Escaped, marked snippets for the database fallback.

The text is escaped first and the <mark> tags added afterwards, so nothing in
a document can become markup. Matches are found on the raw text (never in the
escaped one, where "amp" would match inside "&amp;").
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

# Private-use characters: PostgreSQL's ts_headline wraps matches in these
# (never HTML), and entries.plain removes them from indexed text.
START, STOP = "\ue000", "\ue001"
_WORD = re.compile(r"\w+", re.UNICODE)


def words(q):
    return [w for w in _WORD.findall(q.lower()) if w]


def from_markers(text):
    """Escape ``text`` and turn START/STOP markers into <mark> tags."""
    escaped = escape(text)
    return mark_safe(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def _spans(text, terms):
    lowered = text.lower()
    spans = []
    for term in terms:
        start = lowered.find(term)
        while start != -1:
            spans.append((start, start + len(term)))
            start = lowered.find(term, start + len(term))
    spans.sort()
    merged = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark(text, q, *, window=None):
    """``text`` escaped with the words of ``q`` marked; with ``window``, only
    about that many characters around the first match."""
    terms = words(q)
    spans = _spans(text, terms) if terms else []
    begin, end = 0, len(text)
    if window and len(text) > window:
        first = spans[0][0] if spans else 0
        begin = max(0, first - window // 3)
        end = min(len(text), begin + window)
        # Whole words at the edges.
        if begin > 0:
            space = text.find(" ", begin)
            begin = space + 1 if 0 <= space < first else begin
        if end < len(text):
            space = text.rfind(" ", begin, end)
            end = space if space > begin else end
    parts = []
    cursor = begin
    for start, stop in spans:
        if stop <= begin or start >= end:
            continue
        start, stop = max(start, begin), min(stop, end)
        parts.append(escape(text[cursor:start]))
        parts.append(f"<mark>{escape(text[start:stop])}</mark>")
        cursor = stop
    parts.append(escape(text[cursor:end]))
    prefix = "… " if begin > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(parts) + suffix)  # noqa: S308
