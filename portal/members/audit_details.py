"""What an audit event's details say, in the reader's language.

``audit.record(..., role="manager", via="invitation")`` stores plain keys and
codes (so the log needs no migration and survives renamed labels); the log's
readers see "Role: Manager · Through: an invitation" instead. Each app
registers the keys it stores, their names and the labels of their codes with
portal.core.audit_actions (members' own keys below, from members' ready());
this module reads them.
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
from portal.core.audit_actions import CODE, FILE_SIZE, NUMBER, register_detail

from .models import Organisation
from .models.workspaces import (
    PERM_ADMINISTER,
    PERM_CONTRIBUTE,
    PERM_MODERATE,
    PERM_READ_AUDIT,
    PERM_VIEW,
    Role,
)


def register_members_details():
    """Members' detail keys; called from members' ready(), before the apps
    above it add theirs."""
    register_detail("previous", _("Before"), values=Role.choices)
    register_detail("role", _("Role"), values=Role.choices)
    register_detail(
        "via",
        _("Through"),
        values={
            "invitation": _("an invitation"),
            "join_request": _("a request to join"),
            "admin": _("the administration"),
            "web": _("the website"),
            "api": _("the API"),
            "command": _("a server command"),
            "demo": _("the demo content"),
        },
    )
    register_detail(
        "permission",
        _("Permission"),
        values={
            PERM_VIEW: _("read the workspace"),
            PERM_CONTRIBUTE: _("post, upload and write reports"),
            PERM_MODERATE: _("moderate, review and share"),
            PERM_ADMINISTER: _("administer: roles, archive, ownership"),
            PERM_READ_AUDIT: _("read the audit log"),
        },
    )
    register_detail(
        "reason",
        _("Reason"),
        values={
            "replaced": _("a new invitation replaced it"),
            "joined": _("the person joined"),
            "removed": _("the person was removed"),
            "left": _("the person left"),
        },
    )
    register_detail("comments", _("Comments deleted with it"), kind=NUMBER)
    register_detail("discussion", _("Discussion no."), kind=NUMBER)
    register_detail("by_author", _("Deleted by its author"))
    register_detail("size", _("Size"), kind=FILE_SIZE)
    register_detail("type", _("File type"), kind=CODE)
    register_detail("fields", _("Changed fields"))
    register_detail("verified", _("Verified"))
    register_detail("organisation", _("Organisation"))


_YES, _NO = _("Yes"), _("No")

# A key whose presence says which model the "fields" list names (the target
# of a case record change is its report, but the fields are the record's).
_FIELDS_MODELS = {}


def register_fields_model(key, model_label):
    """Events carrying ``key`` list field names of ``model_label`` in "fields"."""
    _FIELDS_MODELS[key] = model_label


def label_for(action, key):
    # An action may give a key a more precise name ("rows" -> "Rows exported").
    detail = audit_actions.detail(key)
    return audit_actions.detail_labels(action).get(key) or (detail.label if detail else key)


def items(event):
    """[(label, text)] for the event's details, in the keys' registration
    order (jsonb keeps no order; "before" reads best ahead of "after"); empty
    values are left out."""
    details = event.details or {}
    order = audit_actions.detail_positions()
    shown = []
    for key, value in sorted(details.items(), key=lambda item: order.get(item[0], len(order))):
        if value in ("", None, []):
            continue
        shown.append((label_for(event.action, key), _value(event, key, value)))
    return shown


def _value(event, key, value):
    detail = audit_actions.detail(key)
    kind = detail.kind if detail else audit_actions.TEXT
    if isinstance(value, bool):
        return str(_YES if value else _NO)
    if key == "fields":
        return ", ".join(_field_name(event, name) for name in value)
    if key == "organisation":
        return _organisation(value)
    if kind == FILE_SIZE:
        return filesizeformat(value)
    if kind == audit_actions.MOMENT:
        moment = parse_datetime(str(value))
        return formats.date_format(moment, "DATETIME_FORMAT") if moment else str(value)
    if kind == audit_actions.SECONDS:
        minutes = max(1, int(value) // 60)
        return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}
    if isinstance(value, list):
        return ", ".join(_value(event, key, item) for item in value)
    labels = audit_actions.value_labels(key)
    if value in labels:
        return str(labels[value])
    if kind == CODE:
        return str(value).upper()
    if kind == NUMBER and isinstance(value, int | float):
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
