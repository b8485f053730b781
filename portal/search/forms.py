"""The search form: validates what the search page's GET parameters say."""

import re
import unicodedata

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from portal.core.pagination import page_number

from .index import RESULT_WINDOW
from .registry import registry
from .results import SORT_DATE, SORT_RELEVANCE, SearchParams

_COUNTRY = re.compile(r"^(?:[A-Z]{2}|OTHER)$")
MIN_YEAR, MAX_YEAR = 1900, 2100


# Bidirectional embeddings, overrides and isolates: never part of a word, and
# echoed on the page they could reverse the text around the query.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_query_text(value):
    """The words to search for: control characters (a pasted tab or newline, a
    NUL) become spaces; unpaired surrogates and bidirectional overrides go.
    Everything else, quotes and operators included, is kept as text: no
    backend parses query syntax, so punctuation matches nothing or itself."""
    text = "".join(
        " " if unicodedata.category(c) == "Cc" else c
        for c in str(value or "")
        if c not in _BIDI_CONTROLS and unicodedata.category(c) != "Cs"
    )
    return " ".join(text.split())


class QueryField(forms.CharField):
    def to_python(self, value):
        return clean_query_text(super().to_python(value))


class _ListField(forms.Field):
    """Several values of one GET parameter (?country=KG&country=UZ)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        return [str(v).strip() for v in value if str(v).strip()]


class CountryField(_ListField):
    def to_python(self, value):
        codes = [c.upper() for c in super().to_python(value)]
        bad = [c for c in codes if not _COUNTRY.match(c)]
        if bad:
            raise ValidationError(
                _("“%(value)s” is not a country code."), params={"value": bad[0][:10]}
            )
        return sorted(set(codes))


class YearField(_ListField):
    def to_python(self, value):
        years = []
        for raw in super().to_python(value):
            # ASCII digits only: "²" passes isdigit() but int() refuses it.
            if not (raw.isascii() and raw.isdigit()) or not MIN_YEAR <= int(raw) <= MAX_YEAR:
                raise ValidationError(_("“%(value)s” is not a year."), params={"value": raw[:10]})
            years.append(int(raw))
        return sorted(set(years))


def max_pages(per_page):
    """The depth cap: Elasticsearch answers from/size only inside its result
    window, so pages past it cannot be shown."""
    return RESULT_WINDOW // per_page


class PageField(forms.Field):
    """The page asked for, under the portal's one pagination rule (garbage
    and 0 are page 1: see portal.core.pagination) and never past the depth
    cap. Never an error: how far the results reach is known only after the
    search, and the view moves a page past their end to the last one."""

    widget = forms.HiddenInput

    def to_python(self, value):
        return min(page_number(value), max_pages(settings.SEARCH_PAGE_SIZE))


def _query_field():
    return QueryField(
        label=_("Search for"),
        required=False,
        max_length=settings.SEARCH_MAX_QUERY_CHARS,
        error_messages={
            "max_length": ngettext_lazy(
                "Please shorten your search to %(limit_value)d character or fewer.",
                "Please shorten your search to %(limit_value)d characters or fewer.",
                "limit_value",
            )
        },
    )


class SuggestForm(forms.Form):
    """Autocomplete asks with the same words, under the same rules."""

    q = _query_field()


class SearchForm(forms.Form):
    q = _query_field()
    kind = forms.MultipleChoiceField(label=_("Type"), required=False)
    language = forms.MultipleChoiceField(label=_("Language"), required=False)
    country = CountryField(label=_("Country"), required=False)
    year = YearField(label=_("Year"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[(SORT_RELEVANCE, _("Relevance")), (SORT_DATE, _("Newest first"))],
    )
    page = PageField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(s.kind, s.label or s.kind) for s in registry]
        self.fields["language"].choices = list(settings.LANGUAGES)
        self.fields["kind"].error_messages["invalid_choice"] = _(
            "“%(value)s” is not a type of content the portal searches."
        )
        self.fields["language"].error_messages["invalid_choice"] = _(
            "“%(value)s” is not a language of the portal."
        )

    def params(self, *, language=""):
        data = self.cleaned_data
        return SearchParams(
            q=data["q"],
            kinds=tuple(sorted(set(data["kind"]))),
            languages=tuple(sorted(set(data["language"]))),
            countries=tuple(data["country"]),
            years=tuple(data["year"]),
            sort=data["sort"] or SORT_RELEVANCE,
            page=data["page"] or 1,
            per_page=settings.SEARCH_PAGE_SIZE,
            language=language,
        )
