from django import forms
from django.utils.translation import gettext_lazy as _

from portal.home.choices import COUNTRIES

from .choices import DOCUMENT_LANGUAGES, Audience, ResourceType, Topic

INVALID_CHOICE = _("“%(value)s” is not one of the filters of this list. Choose one from the list.")

FILTERS = [
    # (form field / query parameter, label, "all" label, choices)
    ("topic", _("Topic"), _("All topics"), Topic.choices),
    ("audience", _("Audience"), _("All audiences"), Audience.choices),
    ("language", _("Language of the document"), _("All languages"), DOCUMENT_LANGUAGES),
    ("country", _("Country"), _("All countries"), COUNTRIES),
    ("type", _("Type"), _("All types"), ResourceType.choices),
]


class ResourceFilterForm(forms.Form):
    """The library's filters: a GET form that works without JavaScript. Option
    labels carry the number of resources each choice would give."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label, all_label, choices in FILTERS:
            self.fields[name] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", all_label), *choices],
                error_messages={"invalid_choice": INVALID_CHOICE},
            )

    def set_counts(self, counts):
        """Add "(n)" to each option: how many resources choosing it would give."""
        for name, _label, all_label, choices in FILTERS:
            facet = counts.get(name, {})
            self.fields[name].choices = [("", all_label)] + [
                (value, f"{label} ({facet.get(value, 0)})") for value, label in choices
            ]

    def selected(self):
        """{facet: value} of the valid, non-empty choices."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}
