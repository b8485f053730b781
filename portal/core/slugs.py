"""ASCII page addresses from titles in the network's languages.

A Cyrillic slug becomes a long run of percent-escapes in every link people
copy into a messenger or a printed leaflet; a transliterated one stays short
and readable. The table follows the readable passport-style romanisation
(щ → shch, ю → yu) and adds the letters of Kyrgyz (ң ө ү), Tajik (ғ ӣ қ ҳ ҷ),
Kazakh and Uzbek Cyrillic that Russian lacks. Latin letters with accents lose
them (Uzbek oʻ → o).
"""

import re
import unicodedata

SLUG_MAX_LENGTH = 60

CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo",
    "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "",
    "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    # Kyrgyz
    "ң": "ng", "ө": "o", "ү": "u",
    # Tajik
    "ғ": "gh", "ӣ": "i", "қ": "q", "ҳ": "h", "ҷ": "j",
    # Kazakh, Uzbek Cyrillic, Ukrainian
    "ә": "a", "ұ": "u", "һ": "h", "і": "i", "ў": "o", "є": "ye", "ї": "yi", "ґ": "g",
}  # fmt: skip


def transliterate(text):
    """``text`` in lower-case ASCII letters, digits and other ASCII characters;
    what cannot be written in ASCII is dropped."""
    text = "".join(CYRILLIC.get(char, char) for char in text.lower())
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def ascii_slug(text, max_length=SLUG_MAX_LENGTH):
    """A short ASCII slug for ``text``: transliterated, words joined by hyphens,
    cut at a word boundary to at most ``max_length`` characters."""
    slug = re.sub(r"[^a-z0-9]+", "-", transliterate(text)).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1].rsplit("-", 1)[0]
        slug = (cut if len(cut) >= max_length // 2 else slug[:max_length]).strip("-")
    return slug
