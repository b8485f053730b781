"""The edit history as people read it: labels instead of field names and codes."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from portal.core.countries import country_name

from . import vocabulary as vocab
from .models import ChangeKind, MonitoringReport, ReportAudience, ReportStatus

_CASE_LABELS = {c.field: c.label for c in vocab.CODED_COLUMNS}
_CASE_LABELS.update({group.key: group.label for group in vocab.FLAG_GROUPS})
_CHOICES = {
    "gender": vocab.Gender,
    "age_band": vocab.AgeBand,
    "case_status": vocab.CaseStatus,
    "referred_to": vocab.ReferredTo,
    "status": ReportStatus,
    "audience": ReportAudience,
}
_FLAG_LABELS = {
    choice.value: choice.label for group in vocab.FLAG_GROUPS for choice in group.choices
}


@dataclass(frozen=True)
class HistoryLine:
    change: object
    what: str
    old: str
    new: str
    show_values: bool


def _field_label(field):
    if field in _CASE_LABELS:
        return _CASE_LABELS[field]
    try:
        return MonitoringReport._meta.get_field(field).verbose_name
    except Exception:
        return field


def _display(field, value):
    if value == "":
        return "—"
    if field in _CHOICES:
        choices = _CHOICES[field]
        return choices(value).label if value in choices.values else value
    if field in ("country", "citizenship", "country_of_exploitation"):
        return f"{country_name(value)} ({value})"
    if field in vocab.FLAG_GROUPS_BY_KEY:
        return ", ".join(str(_FLAG_LABELS.get(v, v)) for v in value.split(";") if v)
    return value


def describe(change):
    kind = change.kind
    if kind == ChangeKind.CREATED:
        return HistoryLine(change, _("Created the report"), "", "", False)
    if kind == ChangeKind.CASE_ADDED:
        return HistoryLine(
            change, _("Added case record #%(id)s") % {"id": change.case_record_id}, "", "", False
        )
    if kind == ChangeKind.CASE_DELETED:
        return HistoryLine(
            change, _("Deleted case record #%(id)s") % {"id": change.case_record_id}, "", "", False
        )
    if kind == ChangeKind.IMPORTED:
        return HistoryLine(
            change, _("Imported case records (number of records)"), change.old_value,
            change.new_value, True,
        )  # fmt: skip
    if kind in (ChangeKind.SHARE_REQUESTED, ChangeKind.SHARE_DECLINED, ChangeKind.SHARE_CANCELLED):
        return HistoryLine(change, ChangeKind(kind).label, "", "", False)
    if kind == ChangeKind.COMMENT_DELETED:
        return HistoryLine(change, _("Removed a comment"), "", "", False)
    if kind in (ChangeKind.ATTACHMENT_ADDED, ChangeKind.ATTACHMENT_REMOVED):
        file_id = change.new_value or change.old_value
        label = (
            _("Attached file #%(id)s")
            if kind == ChangeKind.ATTACHMENT_ADDED
            else _("Detached file #%(id)s")
        )
        return HistoryLine(change, label % {"id": file_id}, "", "", False)
    label = _field_label(change.field)
    if kind == ChangeKind.CASE_CHANGED:
        label = _("Case record #%(id)s: %(field)s") % {"id": change.case_record_id, "field": label}
    return HistoryLine(
        change,
        label,
        _display(change.field, change.old_value),
        _display(change.field, change.new_value),
        True,
    )


def history_for(report, limit=200):
    return [describe(change) for change in report.changes.select_related("actor")[:limit]]
