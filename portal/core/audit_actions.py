"""The names of audited actions and how the log reads them.

Each app registers its own actions from ``AppConfig.ready()`` (as Wagtail's
``register_log_actions`` hook does), so the audit log lives in members while
reports, the API and apps still to come own their words::

    from portal.core import audit_actions
    REPORT_SHARED = audit_actions.register(
        "report.shared", _("Report shared with the network")
    )

Actions are plain strings (no model choices), so adding one needs no migration.
``detail_labels`` gives a detail key a more precise name for this action
("rows" -> "Rows exported").

The keys of an event's details are registered the same way, by the app that
stores them, with their name, how their values read (a count, a code shown
upper-case, a moment, a duration, a file size) and the labels of the codes
they hold::

    audit_actions.register_detail("rows", _("Rows"), kind=audit_actions.NUMBER)
    audit_actions.register_values(("status", "previous"), ReportStatus.choices)

The log shows details in the order their keys were registered (apps' ready()
run in INSTALLED_APPS order), so "before" reads ahead of "after".
"""

from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured

from .registries import register_once


@dataclass(frozen=True)
class AuditAction:
    code: str
    label: str
    detail_labels: dict = field(default_factory=dict)


_actions = {}


def register(code, label, *, detail_labels=None):
    """Register ``code`` and return it, so a module can name its constant by it.
    Registering the same code twice with another label is a mistake that would
    make one app's log read like another's: refused."""
    return register_once(
        _actions, code, AuditAction(code, label, dict(detail_labels or {})), what="audit action"
    )


def label(code):
    action = _actions.get(code)
    return action.label if action else code


def detail_labels(code):
    action = _actions.get(code)
    return action.detail_labels if action else {}


def codes():
    return frozenset(_actions)


def choices():
    """(code, label) pairs sorted by label in the active language, for filters."""
    return sorted(((code, str(a.label)) for code, a in _actions.items()), key=lambda c: c[1])


# --- Detail keys -------------------------------------------------------------------

TEXT = "text"
NUMBER = "number"  # a count or a number shown as such (1 234)
CODE = "code"  # a format or method, shown upper-case (CSV, POST)
MOMENT = "moment"  # an ISO date and time
SECONDS = "seconds"  # a duration, read in minutes
FILE_SIZE = "file_size"  # bytes


@dataclass(frozen=True)
class DetailKey:
    key: str
    label: str
    kind: str = TEXT


_details = {}
# Stored codes -> their labels, per key; several apps may add to one key.
_values = {}


def register_detail(key, label, *, kind=TEXT, values=None):
    """Register a detail key; registering it again with another name or kind is
    refused (two apps would read one key two ways), with more values is fine."""
    register_once(_details, key, DetailKey(key, label, kind), what="audit detail")
    _values.setdefault(key, {}).update(dict(values or {}))
    return key


def register_values(keys, choices):
    """How the log names the codes an app stores under these (registered) keys."""
    for key in (keys,) if isinstance(keys, str) else keys:
        if key not in _details:
            raise ImproperlyConfigured(f"register the audit detail {key!r} before its values")
        _values[key].update(dict(choices))


def detail(key):
    """The registered DetailKey, or None."""
    return _details.get(key)


def value_labels(key):
    """{stored code: label} of a detail key (empty when it has none)."""
    return _values.get(key, {})


def detail_positions():
    """{key: position}: the order an event's details are shown in."""
    return {name: position for position, name in enumerate(_details)}
