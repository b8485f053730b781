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
"""

from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured


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
    action = AuditAction(code, label, dict(detail_labels or {}))
    known = _actions.get(code)
    if known is not None and known != action:
        raise ImproperlyConfigured(f"audit action {code!r} is registered twice, differently")
    _actions[code] = action
    return code


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
