"""What an audit event's details say, in the reader's language.

``audit.record(..., role="manager", via="invitation")`` stores plain keys and
codes (so the log needs no migration and survives renamed labels); the log's
readers see "Role: Manager · Through: an invitation" instead. Apps above
members register the codes they store (report statuses, token scopes) with
``register_values`` from their ``AppConfig.ready``, the way they register tabs
and activity verbs.
"""

import re

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.template.defaultfilters import filesizeformat
from django.utils import formats
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.core import audit_actions

from .models import Organisation
from .models.workspaces import (
    PERM_ADMINISTER,
    PERM_CONTRIBUTE,
    PERM_MODERATE,
    PERM_READ_AUDIT,
    PERM_VIEW,
    Role,
)

# The name of each detail key, as the log's reader reads it.
LABELS = {
    "previous": _("Before"),
    "role": _("Role"),
    "via": _("Through"),
    "permission": _("Permission"),
    "reason": _("Reason"),
    "comments": _("Comments deleted with it"),
    "discussion": _("Discussion no."),
    "by_author": _("Deleted by its author"),
    "size": _("Size"),
    "type": _("File type"),
    "fields": _("Changed fields"),
    "verified": _("Verified"),
    "status": _("Status"),
    "audience": _("Visible to"),
    "approval": _("Approval request no."),
    "cases": _("Case records"),
    "case_record_added": _("Case record added, no."),
    "case_record_changed": _("Case record changed, no."),
    "case_record_deleted": _("Case record deleted, no."),
    "file_attached": _("File attached, no."),
    "file_detached": _("File detached, no."),
    "rows": _("Rows"),
    "format": _("Format"),
    "replaced": _("Case records replaced"),
    "anonymised": _("Anonymised"),
    "scope": _("Scope"),
    "release": _("Statistics release no."),
    "number": _("Statistics release no."),
    "k": _("Smallest group shown (k)"),
    "epsilon": _("Privacy budget (ε)"),
    "prefix": _("Token"),
    "token_prefix": _("Token"),
    "organisation": _("Organisation"),
    "scopes": _("Scopes"),
    "expires_at": _("Expires"),
    "outcome": _("Outcome"),
    "method": _("Request method"),
    "path": _("Address"),
    "window_start": _("Counted from"),
    "window_seconds": _("Counting window"),
    "first_outcome": _("First refusal"),
    "count": _("Refusals"),
}

_ORDER = {key: position for position, key in enumerate(LABELS)}

_YES, _NO = _("Yes"), _("No")

# Stored codes -> labels, per key. Members' own codes are here; other apps add theirs.
_VALUES = {
    "role": dict(Role.choices),
    "previous": dict(Role.choices),
    "via": {
        "invitation": _("an invitation"),
        "join_request": _("a request to join"),
        "admin": _("the administration"),
        "web": _("the website"),
        "api": _("the API"),
        "command": _("a server command"),
        "demo": _("the demo content"),
    },
    "permission": {
        PERM_VIEW: _("read the workspace"),
        PERM_CONTRIBUTE: _("post, upload and write reports"),
        PERM_MODERATE: _("moderate, review and share"),
        PERM_ADMINISTER: _("administer: roles, archive, ownership"),
        PERM_READ_AUDIT: _("read the audit log"),
    },
    "reason": {
        "replaced": _("a new invitation replaced it"),
        "joined": _("the person joined"),
        "removed": _("the person was removed"),
        "left": _("the person left"),
    },
    "scope": {
        "report": _("one report"),
        "workspace": _("the whole workspace"),
        "network": _("the network's published data"),
    },
    "outcome": {
        "accepted": _("accepted"),
        "unknown": _("refused: unknown token"),
        "revoked": _("refused: revoked token"),
        "expired": _("refused: expired token"),
        "missing_scope": _("refused: scope not granted"),
    },
}
_VALUES["first_outcome"] = _VALUES["outcome"]

# A key whose presence says which model the "fields" list names (the target
# of a case record change is its report, but the fields are the record's).
_FIELDS_MODELS = {}

# Shown upper-case as the codes they are (CSV, PDF), never as words.
_CODES = {"format", "type", "method"}
_NUMBERS = {
    "comments",
    "discussion",
    "approval",
    "cases",
    "case_record_added",
    "case_record_changed",
    "case_record_deleted",
    "file_attached",
    "file_detached",
    "rows",
    "replaced",
    "release",
    "number",
    "k",
    "count",
}


def register_values(keys, choices):
    """``register_values(("status", "previous"), ReportStatus.choices)``: how
    the log names the codes an app stores under these detail keys."""
    for key in (keys,) if isinstance(keys, str) else keys:
        _VALUES.setdefault(key, {}).update(dict(choices))


def register_fields_model(key, model_label):
    """Events carrying ``key`` list field names of ``model_label`` in "fields"."""
    _FIELDS_MODELS[key] = model_label


def label_for(action, key):
    # An action may give a key a more precise name ("rows" -> "Rows exported").
    return audit_actions.detail_labels(action).get(key) or LABELS.get(key, key)


def items(event):
    """[(label, text)] for the event's details, in the order of LABELS (jsonb
    keeps no order; "before" reads best ahead of "after"); empty values are
    left out."""
    details = event.details or {}
    shown = []
    for key, value in sorted(details.items(), key=lambda item: _ORDER.get(item[0], len(_ORDER))):
        if value in ("", None, []):
            continue
        shown.append((label_for(event.action, key), _value(event, key, value)))
    return shown


def _value(event, key, value):
    if isinstance(value, bool):
        return str(_YES if value else _NO)
    if key == "fields":
        return ", ".join(_field_name(event, name) for name in value)
    if key == "size":
        return filesizeformat(value)
    if key == "organisation":
        return _organisation(value)
    if key in ("expires_at", "window_start"):
        moment = parse_datetime(str(value))
        return formats.date_format(moment, "DATETIME_FORMAT") if moment else str(value)
    if key == "window_seconds":
        minutes = max(1, int(value) // 60)
        return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}
    if isinstance(value, list):
        return ", ".join(_value(event, key, item) for item in value)
    if key in _VALUES and value in _VALUES[key]:
        return str(_VALUES[key][value])
    if key in _CODES:
        return str(value).upper()
    if (key in _NUMBERS or key == "epsilon") and isinstance(value, int | float):
        return formats.number_format(value)
    return str(value)


def _field_name(event, name):
    model = _fields_model(event)
    if model is not None:
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            pass
    return name


def _fields_model(event):
    for key, model_label in _FIELDS_MODELS.items():
        if key in (event.details or {}):
            return apps.get_model(model_label)
    if not event.target_type:
        return None
    try:
        return apps.get_model(event.target_type)
    except (LookupError, ValueError):
        return None


def _organisation(pk):
    organisation = Organisation.objects.filter(pk=pk).only("name").first()
    return organisation.name if organisation else str(pk)


# What models with restricted names store as target_repr ("File #12", see their
# audit_repr): shown as the model's name in the reader's language and the id.
_ID_ONLY = re.compile(r"^[A-Za-z ]+ #\d+$")


def target_text(event):
    if event.target_type and _ID_ONLY.match(event.target_repr):
        try:
            model = apps.get_model(event.target_type)
        except (LookupError, ValueError):
            return event.target_repr
        return f"{capfirst(model._meta.verbose_name)} № {event.target_id}"
    return event.target_repr
