"""How search reads text: one normalisation for every backend.

Documents and queries go through the same steps here, in Python, so that
Elasticsearch, PostgreSQL and the SQLite demo all compare the same tokens:

1. fold: lower case, ё → е (most people type е), Uzbek apostrophes in their
   standard spelling (portal.search.spelling);
2. split into words (letters and digits; punctuation separates);
3. stem each word with a Snowball stemmer (PyStemmer): Cyrillic words with the
   Russian one, Latin words with the English one. Kyrgyz and Tajik (Cyrillic)
   and Uzbek (Latin) have no Snowball stemmer; they go through the Russian or
   English one like everything else in their script. That is not linguistics,
   but documents and queries are treated alike, so a word always meets itself.

Why not the search engines' own analyzers: Elasticsearch's Russian analyzer
lives in the analysis-common module, which the test distribution (and some
managed clusters) lack, so nothing in CI could prove it; PostgreSQL's
``russian`` configuration neither folds ё nor agrees with Elasticsearch's
stemmer on every form. Stemming in Python gives every backend the same
answer, and the tests prove it on the real servers.

Stop words ("в", "для", "the", "of") are dropped from queries, not from
documents: a query does not have to match them, and a query made only of stop
words still finds the documents that contain them.
"""

import functools
import re
import threading
from dataclasses import dataclass

import Stemmer

from . import spelling

# A word longer than this is cut: no language has such words, and the engines
# refuse or split over-long tokens in ways that differ.
MAX_WORD_CHARS = 64
_WORD = re.compile(r"\w+")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN = re.compile("[a-z]")

# Function words: prepositions, conjunctions, particles and pronouns.
_STOP_WORDS_TEXT = """
    а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да
    даже для до его ее ей если есть еще же за здесь и из или им их к как какой когда кто
    ли либо между меня мне мы на над нам нас не него нее нет ни них но ну о об однако он
    она они оно от по под после при про с со так также там тем то того тоже только том ты
    у уж уже чем что чтобы эта эти это этого этой этом эту я
    a an and are as at be been but by do does for from had has have he her his how i if in
    into is it its me my no not of on or our she so than that the their them then there
    these they this those to us was we were what when where which who will with you your
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

_stemmers = threading.local()  # a PyStemmer object must not be shared between threads


def _stem_all(words, text=None):
    """Russian, then English: each stemmer only touches suffixes of its own
    alphabet, so a word meets the one of its script. A stemmer whose alphabet
    is not in ``text`` (the words joined, when the caller has it) is skipped:
    that halves the work for most documents."""
    if not hasattr(_stemmers, "russian"):
        _stemmers.russian = Stemmer.Stemmer("russian")
        _stemmers.english = Stemmer.Stemmer("english")
    if text is None:
        text = " ".join(words)
    if _CYRILLIC.search(text):
        words = _stemmers.russian.stemWords(words)
    if _LATIN.search(text):
        words = _stemmers.english.stemWords(words)
    return list(words)


def fold(text):
    """Lower case, ё as е, Uzbek apostrophes standard."""
    return spelling.uzbek((text or "").lower()).replace("ё", "е")


def _split(folded):
    found = _WORD.findall(folded)
    if found and max(map(len, found)) > MAX_WORD_CHARS:
        found = [w[:MAX_WORD_CHARS] for w in found]
    return found


def words(text):
    """The folded words of ``text``, in order."""
    return _split(fold(text))


def analysed(text):
    """(the folded words of ``text``, their stems), both space-separated, in
    order: what the indices store, made in one pass."""
    folded = fold(text)
    found = _split(folded)
    return " ".join(found), " ".join(_stem_all(found, folded) if found else [])


def stem_words(found):
    """The stems of already folded words, in order."""
    return _stem_all(found) if found else []


def stem_text(text):
    """The stems of ``text`` as one space-separated string."""
    return analysed(text)[1]


@functools.lru_cache(maxsize=65536)
def stem_word(word):
    """The stem of one folded word (remembered: the highlighter asks for the
    same words again and again)."""
    return _stem_all([word], word)[0]


def edits_allowed(text):
    """Typos tolerated in a word of this length, as Elasticsearch's AUTO
    fuzziness: none up to 2 letters, one up to 5, two beyond."""
    return 0 if len(text) <= 2 else 1 if len(text) <= 5 else 2


@dataclass(frozen=True)
class Term:
    """One word of a query: as typed (folded) and its stem."""

    word: str
    stem: str

    def is_near(self, word, stem):
        """Whether a document's word (folded, with its stem) is this term or
        within its typo allowance: the typed word against the word (a typo in
        an ending keeps the stemmer from removing it), or stem against stem."""
        return (
            stem == self.stem
            or within_edits(word, self.word, edits_allowed(self.word))
            or within_edits(stem, self.stem, edits_allowed(self.stem))
        )


def query_terms(q):
    """The words a document must match, without stop words (unless the query
    is nothing else) and without repeats."""
    found = words(q)
    kept = [w for w in found if w not in STOP_WORDS] or found
    seen, terms = set(), []
    for word, stem in zip(kept, _stem_all(kept) if kept else [], strict=True):
        if stem not in seen:
            seen.add(stem)
            terms.append(Term(word, stem))
    return terms


def typed_words(q):
    """(complete words, the last word while still being typed or ""), folded:
    the last word counts as complete once a space or punctuation follows it."""
    found = words(q)
    if not found:
        return [], ""
    if _WORD.search(q[-1:] or " "):
        return found[:-1], found[-1]
    return found, ""


def within_edits(a, b, limit):
    """Whether ``a`` becomes ``b`` in at most ``limit`` insertions, deletions,
    substitutions or swaps of neighbours (optimal string alignment), with the
    same first letter, as Elasticsearch's fuzzy query with prefix_length 1."""
    if a == b:
        return True
    if limit <= 0 or not a or not b or a[0] != b[0] or abs(len(a) - len(b)) > limit:
        return False
    previous2, previous = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return False
        previous2, previous = previous, current
    return previous[-1] <= limit
