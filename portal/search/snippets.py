"""Escaped, marked titles and snippets, the same for every backend.

Matches are found with the search's own analysis (portal.search.analysis): a
word is marked when its stem is a stem of the query, or, after a search that
needed typo tolerance, when it is within the query word's typo allowance. So
"Оше" is marked for the query "ош" on Elasticsearch, PostgreSQL and SQLite
alike.

The text is escaped first and the <mark> tags added afterwards, so nothing in a
document can become markup. Matches are found on the raw text (never in the
escaped one, where "amp" would match inside "&amp;").
"""

import functools
import html
import re

from django.utils.safestring import mark_safe

from . import analysis

SNIPPET_CHARS = 180
# A typo search compares every word with the query's; in a long body only
# this many words are looked at for the first match.
FUZZY_SCAN_WORDS = 5_000


def _letter_class(char):
    if char == "е":
        return "[еЕёЁ]"
    upper = char.upper()
    return f"[{re.escape(char)}{re.escape(upper)}]" if upper != char else re.escape(char)


@functools.lru_cache(maxsize=256)
def _candidates(terms, fuzzy):
    """A regular expression finding the words that may match: a Snowball stem
    is the word minus a suffix (the last letter may change: "happy" →
    "happi"), so a matching word starts with the stem minus its last letter;
    a typo keeps the first letter."""
    prefixes = set()
    for term in terms:
        for text in (term.stem, term.word):
            keep = 1 if fuzzy else max(1, len(text) - 1)
            prefixes.add(text[:keep])
    if not prefixes:
        return None
    alternatives = "|".join(
        "".join(_letter_class(c) for c in prefix) for prefix in sorted(prefixes, key=len)
    )
    return re.compile(rf"(?<!\w)(?:{alternatives})\w*")


def _spans(text, terms, fuzzy):
    """(start, end) of every matching word of ``text``, in order, lazily."""
    pattern = _candidates(tuple(terms), fuzzy)
    if pattern is None:
        return
    stems = {term.stem for term in terms}
    folded_words = {term.word for term in terms}
    looked_at = 0
    for match in pattern.finditer(text):
        word = analysis.fold(match.group())[: analysis.MAX_WORD_CHARS]
        if word in folded_words:
            yield match.span()
            continue
        stem = analysis.stem_word(word)
        if stem in stems:
            yield match.span()
            continue
        if fuzzy:
            looked_at += 1
            if any(term.is_near(word, stem) for term in terms):
                yield match.span()
            elif looked_at > FUZZY_SCAN_WORDS:
                return


def escape(text):
    """django.utils.html.escape without its lazy-string wrapper (the same
    html.escape inside): a results page escapes hundreds of pieces of text,
    and the wrapper cost more than the escaping."""
    return html.escape(text, quote=True)


def _marked(text, spans, begin, end):
    parts, cursor = [], begin
    for start, stop in spans:
        start, stop = max(start, begin), min(stop, end)
        if start >= stop:
            continue
        parts.append(escape(text[cursor:start]))
        parts.append(f"<mark>{escape(text[start:stop])}</mark>")
        cursor = stop
    parts.append(escape(text[cursor:end]))
    return "".join(parts)


def mark(text, terms, *, window=None, fuzzy=False):
    """``text`` escaped with the words matching ``terms`` (analysis.Term)
    marked; with ``window``, about that many characters around the first
    match (or the opening, when nothing matches)."""
    text = text or ""
    spans = _spans(text, terms, fuzzy)
    if not window or len(text) <= window:
        return mark_safe(_marked(text, list(spans), 0, len(text)))  # noqa: S308
    first = next(spans, None)
    anchor = first[0] if first else 0
    begin = max(0, anchor - window // 3)
    end = min(len(text), begin + window)
    # Whole words at the edges.
    if begin > 0:
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < anchor else begin
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > begin else end
    in_window = [first] if first else []
    for span in spans:
        if span[0] >= end:
            break
        in_window.append(span)
    prefix = "… " if begin > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + _marked(text, in_window, begin, end) + suffix)  # noqa: S308


def title_and_snippet(title, body, terms, *, fuzzy=False):
    """(title_html, snippet_html) of a hit, marked for the query's ``terms``."""
    snippet = mark(body, terms, window=SNIPPET_CHARS, fuzzy=fuzzy) if body else ""
    return mark(title, terms, fuzzy=fuzzy), snippet
