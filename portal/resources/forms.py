from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.countries import NETWORK_AREA_CODES, sorted_choices

from .choices import DOCUMENT_LANGUAGES, Audience, ResourceType, Topic

INVALID_CHOICE = _("“%(value)s” is not one of the filters of this list. Choose one from the list.")

FILTERS = [
    # (form field / query parameter, label, "all" label, choices)
    ("topic", _("Topic"), _("All topics"), Topic.choices),
    ("audience", _("Audience"), _("All audiences"), Audience.choices),
    ("language", _("Language of the document"), _("All languages"), DOCUMENT_LANGUAGES),
    # Sorted when the form is built, by name in the reader's language.
    ("country", _("Country"), _("All countries"), lambda: sorted_choices(NETWORK_AREA_CODES)),
    ("type", _("Type"), _("All types"), ResourceType.choices),
]


class ResourceFilterForm(forms.Form):
    """The library's filters: a GET form that works without JavaScript. Option
    labels carry the number of resources each choice would give."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label, all_label, choices in FILTERS:
            choices = choices() if callable(choices) else choices
            self.fields[name] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", all_label), *choices],
                error_messages={"invalid_choice": INVALID_CHOICE},
            )

    def set_counts(self, counts):
        """Add "(n)" to each option: how many resources choosing it would give."""
        for name, _label, all_label, _choices in FILTERS:
            facet = counts.get(name, {})
            self.fields[name].choices = [("", all_label)] + [
                (value, f"{label} ({facet.get(value, 0)})")
                for value, label in self.fields[name].choices
                if value
            ]

    def selected(self):
        """{facet: value} of the valid, non-empty choices."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}
