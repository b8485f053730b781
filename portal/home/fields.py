"""A small model field for "several values from a fixed list" (countries of a
news item, audiences of a resource).

Stored as a comma-separated string ("KG,UZ") so it works the same on PostgreSQL
and on the SQLite of `make run`, survives Wagtail's revision serialisation as a
plain string, and reads back with ``split_values``.
"""

from django import forms
from django.db import models
from django.db.models import Q
from django.utils.text import capfirst

SEPARATOR = ","


def split_values(stored):
    """The list of codes in a stored value ("" -> [])."""
    if not stored:
        return []
    if isinstance(stored, list | tuple):
        return [str(v) for v in stored if v]
    return [part for part in str(stored).split(SEPARATOR) if part]


def has_value(field_name, value):
    """Q matching rows whose list field holds ``value`` exactly (not a substring
    of another code)."""
    return (
        Q(**{field_name: value})
        | Q(**{f"{field_name}__startswith": f"{value}{SEPARATOR}"})
        | Q(**{f"{field_name}__endswith": f"{SEPARATOR}{value}"})
        | Q(**{f"{field_name}__contains": f"{SEPARATOR}{value}{SEPARATOR}"})
    )


class ChoiceListFormField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def prepare_value(self, value):
        return split_values(value) if isinstance(value, str) else value

    def clean(self, value):
        chosen = set(super().clean(value))
        # Canonical order (the order of the choices), so equal lists compare equal.
        return SEPARATOR.join(code for code, _label in self.choices if code in chosen)

    def has_changed(self, initial, data):
        return set(split_values(initial)) != set(data or [])


class ChoiceListField(models.CharField):
    """Several codes out of ``value_choices``, stored as "A,B"."""

    def __init__(self, *args, value_choices=(), **kwargs):
        self.value_choices = list(value_choices)
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["value_choices"] = self.value_choices
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return ChoiceListFormField(
            choices=self.value_choices,
            required=not self.blank,
            label=capfirst(self.verbose_name),
            help_text=self.help_text,
        )
