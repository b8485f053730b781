"""One spelling of Uzbek's apostrophes for search.

Uzbek in Latin script writes oʻ and gʻ with a turned comma (U+02BB) and the
glottal stop with an apostrophe (U+02BC, "maʼlumot"), but people type whatever
their keyboard has: ', ‘, ’ or `. Both Elasticsearch's standard tokenizer and
PostgreSQL keep such a mark inside the word, so "qo'ng'iroq" never met
"qoʻngʻiroq". Uzbek documents are indexed in the standard spelling, and a query
that contains a mark between letters is also tried in that spelling.
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
    return _MARK_AFTER_LETTER.sub(_standard, text or "")


def query_variants(q):
    """The query as typed, and in Uzbek's standard spelling when that differs."""
    standard = uzbek(q)
    return [q] if standard == q else [q, standard]
