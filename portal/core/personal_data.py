"""The personal-data guard, for apps below the one that owns it.

The guard lives in portal.reports (pii.py: phone numbers, e-mail addresses,
ID-like numbers, dates of birth); members needs it for free text it stores
(what was done about a person's request) but may not import reports. Reports
registers its form guard here from its ready()::

    personal_data.set_guard(forms.guard)   # guard(text) -> text, or ValidationError

``check`` refuses to pass text when no guard is set: unchecked text that may
name a victim must not be stored quietly.
"""

from django.core.exceptions import ImproperlyConfigured

_guard = []


def set_guard(guard):
    _guard[:] = [guard]
    return guard


def check(text):
    """``text`` when it holds no personal data; ValidationError saying where otherwise."""
    if not _guard:
        raise ImproperlyConfigured("no personal-data guard is registered")
    return _guard[0](text)
