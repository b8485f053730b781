"""One spelling of Uzbek's apostrophes for search.

Uzbek in Latin script writes oʻ and gʻ with a turned comma (U+02BB) and the
glottal stop with an apostrophe (U+02BC, "maʼlumot"), but people type whatever
their keyboard has: ', ‘, ’ or `. Both Elasticsearch's standard tokenizer and
PostgreSQL keep such a mark inside the word, so "qo'ng'iroq" never met
"qoʻngʻiroq". Uzbek documents are stored in the standard spelling, and search
(portal.search.analysis) folds every text and query to it.
"""

import re

_MARKS = "'‘’ʼʻ`"
_MARK_AFTER_LETTER = re.compile(rf"(\w)[{_MARKS}](?=\w)")
OKINA = "ʻ"  # U+02BB, after o and g
TUTUQ = "ʼ"  # U+02BC, elsewhere


def _standard(match):
    letter = match.group(1)
    return letter + (OKINA if letter in "oOgG" else TUTUQ)


def uzbek(text):
    """``text`` with Uzbek's apostrophes in the standard spelling."""
    if not text or not any(mark in text for mark in _MARKS):
        return text or ""  # most texts: no scan for marks between letters
    return _MARK_AFTER_LETTER.sub(_standard, text)
