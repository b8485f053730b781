"""The personal-data guard: finds what must never be typed into a report.

Narratives, titles, regions and comments are scanned for phone numbers, e-mail
addresses, passport- and ID-like numbers and dates of birth. Anything found
blocks the save with the exact place (line, column, the text itself) so the
person can fix it; the form keeps what they typed.

Plain functions over text, no Django: ``scan(text)`` returns ``Finding``s. The
rules are heuristics tuned for Russian, English, Kyrgyz, Uzbek and Tajik text and
for the numbering plans of Kyrgyzstan (+996), Uzbekistan (+998), Tajikistan
(+992) and Russia/Kazakhstan (+7); see tests/reports/test_pii.py for what they
must and must not flag.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

PHONE = "phone"
EMAIL = "email"
ID_NUMBER = "id_number"
BIRTH_DATE = "birth_date"

KIND_LABELS = {
    PHONE: _("looks like a phone number"),
    EMAIL: _("looks like an e-mail address"),
    ID_NUMBER: _("looks like a passport, ID or personal number"),
    BIRTH_DATE: _("looks like a date of birth"),
}
KIND_ADVICE = {
    PHONE: _("Remove the number; write “a mobile number” if it matters."),
    EMAIL: _("Remove the address."),
    ID_NUMBER: _("Remove the number; write “a passport” if the document matters."),
    BIRTH_DATE: _("Give an age band instead, or the month and year of an event."),
}

# A full date this many years (or more) in the past is read as a possible date of
# birth even without a word such as "born" next to it; more recent dates are the
# ordinary dates of a monitoring report (events, interviews, referrals).
BIRTH_DATE_MIN_YEARS_AGO = 12
BIRTH_DATE_MAX_YEARS_AGO = 100

_EXCERPT_MAX = 40


@dataclass(frozen=True)
class Finding:
    kind: str
    line: int  # 1-based
    column: int  # 1-based, in characters
    excerpt: str
    start: int
    end: int

    @property
    def label(self):
        return KIND_LABELS[self.kind]

    @property
    def advice(self):
        return KIND_ADVICE[self.kind]


# --- Patterns --------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}", re.UNICODE)

_MONTHS = {
    # Russian (genitive and nominative), Kyrgyz/Tajik Cyrillic share most of these
    "января": 1, "январь": 1, "февраля": 2, "февраль": 2, "марта": 3, "март": 3,
    "апреля": 4, "апрель": 4, "мая": 5, "май": 5, "июня": 6, "июнь": 6,
    "июля": 7, "июль": 7, "августа": 8, "август": 8, "сентября": 9, "сентябрь": 9,
    "октября": 10, "октябрь": 10, "ноября": 11, "ноябрь": 11, "декабря": 12, "декабрь": 12,
    # English
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10,
    "november": 11, "nov": 11, "december": 12, "dec": 12,
    # Uzbek (Latin)
    "yanvar": 1, "fevral": 2, "mart": 3, "aprel": 4, "iyun": 6, "iyul": 7,
    "avgust": 8, "sentyabr": 9, "oktyabr": 10, "noyabr": 11, "dekabr": 12,
}  # fmt: skip
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))

_DATE_PATTERNS = [
    # 05.11.1998, 5/11/1998, 05-11-98
    (re.compile(r"(?<![\d.])(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?![\d])"), "dmy"),
    # 1998-11-05
    (re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"), "ymd"),
    # 5 ноября 1998, 5 November 1998, 5-noyabr 1998
    (
        re.compile(
            rf"(?<!\d)(\d{{1,2}})(?:-?го)?[\s-]+({_MONTH_NAMES})\.?,?\s+(\d{{4}})(?!\d)",
            re.IGNORECASE,
        ),
        "d_month_y",
    ),
    # November 5, 1998
    (
        re.compile(
            rf"\b({_MONTH_NAMES})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)",
            re.IGNORECASE,
        ),
        "month_d_y",
    ),
]

# Words that say "date of birth" in the languages of the region.
_BIRTH_WORDS = re.compile(
    r"\b(?:born|birth|birthday|dob|d\.o\.b|date\s+of\s+birth|"
    r"родил(?:ся|ась|ись)|рожд(?:ения|ён|ен|ена|ены)|день\s+рождения|д\.\s?р\.|"
    r"туғилган|тугилган|tug['‘’`]?ilgan|туулган|туулган\s+күнү|таваллуд)",
    re.IGNORECASE,
)
# "1998 г.р.", "1998 года рождения", "(г.р. 1998)"
_BIRTH_YEAR = re.compile(
    r"(?<!\d)(?:19|20)\d{2}\s*(?:г\.?\s*р\.?|года\s+рождения|йил\s+туғилган|yil\s+tug)",
    re.IGNORECASE,
)
_BIRTH_WINDOW_BEFORE = 30
_BIRTH_WINDOW_AFTER = 20

# Passport and ID numbers: one or two capital letters and 6-9 digits
# (Kyrgyz "AN1234567", "ID 1234567", Uzbek "AA 1234567", Cyrillic series "АН").
_LETTERS_AND_DIGITS = re.compile(r"(?<![\w])[A-ZА-ЯЁ]{1,2}\s?№?\s?\d{6,9}(?![\w])")
_NUMBER_SIGN = re.compile(r"№\s?\d{5,}")
_ID_WORDS = re.compile(
    r"(?<!\w)(?:паспорт\w*|passport|удостоверени\w*|свидетельств\w*|ID[\s-]?card|ПИН|PIN|ИНН|"
    r"INN|ПИНФЛ|PINFL|JShShIR|СНИЛС)(?!\w)\W{0,20}([A-ZА-ЯЁ]{0,2}\s?\d[\d\s-]{4,}\d)",
    re.IGNORECASE,
)

# Digits with the separators people put into phone numbers. No newlines: a number
# never wraps across lines in these texts, and amounts on two lines must not merge.
_DIGIT_RUN = re.compile(r"(?<![\w+])\+?\(?\d[\d \t().\-]{4,}\d(?![\w])")
# "1 500 000", "150 000 000": amounts with a thousands separator, not phone numbers.
_AMOUNT = re.compile(r"^\d{1,3}(?:[ .,]\d{3})+$")
_PHONE_WORDS = re.compile(
    r"(?:тел\.?|телефон\w*|моб\.?|мобильн\w*|phone|tel\.?|mobile|cell|whats\s?app|"
    r"telegram|viber|номер\w*|number)\W{0,15}$",
    re.IGNORECASE,
)
_COUNTRY_PREFIXES = {"996": 12, "998": 12, "992": 12, "7": 11}


def _position(text, start):
    line = text.count("\n", 0, start) + 1
    line_start = text.rfind("\n", 0, start) + 1
    return line, start - line_start + 1


def _excerpt(text):
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT_MAX else text[: _EXCERPT_MAX - 1] + "…"


def _as_date(kind, groups):
    try:
        if kind == "dmy":
            day, month, year = (int(g) for g in groups)
            if len(groups[2]) == 2:
                year += 1900 if year > datetime.date.today().year % 100 else 2000
            if month > 12 and day <= 12:  # 11/25/1998: month first
                day, month = month, day
        elif kind == "ymd":
            year, month, day = (int(g) for g in groups)
        elif kind == "d_month_y":
            day, month, year = int(groups[0]), _MONTHS[groups[1].lower()], int(groups[2])
        else:
            month, day, year = _MONTHS[groups[0].lower()], int(groups[1]), int(groups[2])
        return datetime.date(year, month, day)
    except (ValueError, KeyError):
        return None


def _years_between(earlier, later):
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))


def _near_birth_word(text, start, end):
    before = text[max(0, start - _BIRTH_WINDOW_BEFORE) : start]
    after = text[end : end + _BIRTH_WINDOW_AFTER]
    return bool(_BIRTH_WORDS.search(before) or _BIRTH_WORDS.search(after))


def _dates(text):
    """(match, date) for every real calendar date written in the text."""
    for pattern, kind in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            date = _as_date(kind, match.groups())
            if date is not None:
                yield match, date


def _dates_of_birth(text, today):
    for match, date in _dates(text):
        if date > today:
            continue
        near_word = _near_birth_word(text, match.start(), match.end())
        years_ago = _years_between(date, today)
        if near_word or BIRTH_DATE_MIN_YEARS_AGO <= years_ago <= BIRTH_DATE_MAX_YEARS_AGO:
            yield BIRTH_DATE, match.start(), match.end()
    for match in _BIRTH_YEAR.finditer(text):
        yield BIRTH_DATE, match.start(), match.end()


def _classify_digits(text, match):
    raw = match.group().strip()
    digits = re.sub(r"\D", "", raw)
    n = len(digits)
    if raw.startswith("+"):
        return PHONE if 8 <= n <= 15 else None
    for prefix, length in _COUNTRY_PREFIXES.items():
        if digits.startswith(prefix) and n == length:
            return PHONE
    if n == 11 and digits.startswith("8"):  # Russian trunk prefix: 8 912 345-67-89
        return PHONE
    if _AMOUNT.match(raw):
        return PHONE if _PHONE_WORDS.search(text[: match.start()]) else None
    if n == 10 and digits.startswith("0"):  # Kyrgyz national format: 0555 123 456
        return PHONE
    if n == 9:  # Uzbek and Tajik national format: 90 123 45 67
        return PHONE
    if n > 9:  # 14-digit personal numbers (ПИН, ПИНФЛ), ИНН and other long numbers
        return ID_NUMBER
    if n >= 6 and _PHONE_WORDS.search(text[: match.start()]):
        return PHONE
    return None


def _candidates(text, today):
    for match in _EMAIL.finditer(text):
        yield EMAIL, match.start(), match.end()
    yield from _dates_of_birth(text, today)
    for match in _ID_WORDS.finditer(text):
        yield ID_NUMBER, match.start(1), match.end(1)
    for pattern in (_LETTERS_AND_DIGITS, _NUMBER_SIGN):
        for match in pattern.finditer(text):
            yield ID_NUMBER, match.start(), match.end()
    # Ordinary dates ("01.01.2024-31.03.2024") are not phone numbers: blank them
    # out, keeping every position, before looking at runs of digits.
    masked = list(text)
    for match, _date in _dates(text):
        masked[match.start() : match.end()] = "_" * (match.end() - match.start())
    masked = "".join(masked)
    for match in _DIGIT_RUN.finditer(masked):
        kind = _classify_digits(masked, match)
        if kind:
            # Trim separators the run may have swallowed at its edges.
            start = match.start() + (len(match.group()) - len(match.group().lstrip()))
            yield kind, start, match.start() + len(match.group().rstrip(" \t.-("))


# Earlier in this list wins when two findings overlap (a date is not a phone number).
_PRIORITY = {EMAIL: 0, BIRTH_DATE: 1, ID_NUMBER: 2, PHONE: 3}


def scan(text, *, today=None):
    """Every place in ``text`` that looks like personal data, in reading order."""
    if not text:
        return []
    today = today or datetime.date.today()
    found = sorted(_candidates(text, today), key=lambda c: (_PRIORITY[c[0]], c[1], -c[2]))
    accepted = []
    for kind, start, end in found:
        if any(start < other_end and other_start < end for _, other_start, other_end in accepted):
            continue
        accepted.append((kind, start, end))
    findings = []
    for kind, start, end in sorted(accepted, key=lambda c: c[1]):
        line, column = _position(text, start)
        findings.append(Finding(kind, line, column, _excerpt(text[start:end]), start, end))
    return findings


def scan_fields(values, *, today=None):
    """``{field name: text}`` -> ``{field name: [Finding, ...]}`` for fields with findings."""
    result = {}
    for name, text in values.items():
        findings = scan(text or "", today=today)
        if findings:
            result[name] = findings
    return result


def describe(finding):
    """One line a person can act on: where, what, and what to do."""
    return _("Line %(line)s, column %(column)s: “%(excerpt)s” %(label)s. %(advice)s") % {
        "line": finding.line,
        "column": finding.column,
        "excerpt": finding.excerpt,
        "label": finding.label,
        "advice": finding.advice,
    }
