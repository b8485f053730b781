"""The audit actions of monitoring reports, data exchange and statistics
(registered with portal.core.audit_actions; written through
portal.members.audit.record)."""

from django.utils.translation import gettext_lazy as _

from portal.core import audit_actions
from portal.core.audit_actions import CODE, NUMBER, register_detail

REPORT_VIEWED = audit_actions.register("report.viewed", _("Report viewed"))
REPORT_CREATED = audit_actions.register("report.created", _("Report created"))
REPORT_CHANGED = audit_actions.register("report.changed", _("Report changed"))
REPORT_STATUS_CHANGED = audit_actions.register(
    "report.status_changed",
    _("Report status changed"),
    detail_labels={"status": _("New status"), "previous": _("Previous status")},
)
REPORT_SHARED = audit_actions.register("report.shared", _("Report shared with the network"))
REPORT_WITHDRAWN = audit_actions.register(
    "report.withdrawn", _("Report withdrawn from the network")
)
REPORT_SHARE_REQUESTED = audit_actions.register(
    "report.share_requested",
    _("Office approval requested to share a report"),
    detail_labels={"cases": _("Case records to share")},
)
REPORT_SHARE_APPROVED = audit_actions.register(
    "report.share_approved", _("Office approved sharing a report")
)
REPORT_SHARE_DECLINED = audit_actions.register(
    "report.share_declined", _("Office declined sharing a report")
)
REPORT_SHARE_CANCELLED = audit_actions.register(
    "report.share_cancelled", _("Request to share a report cancelled")
)
REPORT_EXPORTED = audit_actions.register(
    "report.exported",
    _("Data exported"),
    detail_labels={"rows": _("Rows exported")},
)
CASES_IMPORTED = audit_actions.register(
    "cases.imported",
    _("Case records imported"),
    detail_labels={"rows": _("Case records imported")},
)
STATISTICS_RELEASED = audit_actions.register(
    "statistics.released",
    _("Statistics release published"),
    detail_labels={"rows": _("Rows released")},
)


def register_details():
    """The detail keys reports store (called from the app's ready(); members'
    own keys come first)."""
    from .models import ReportAudience, ReportStatus

    register_detail("status", _("Status"), values=ReportStatus.choices)
    audit_actions.register_values("previous", ReportStatus.choices)
    register_detail("audience", _("Visible to"), values=ReportAudience.choices)
    register_detail("approval", _("Approval request no."), kind=NUMBER)
    register_detail("cases", _("Case records"), kind=NUMBER)
    register_detail("case_record_added", _("Case record added, no."), kind=NUMBER)
    register_detail("case_record_changed", _("Case record changed, no."), kind=NUMBER)
    register_detail("case_record_deleted", _("Case record deleted, no."), kind=NUMBER)
    register_detail("file_attached", _("File attached, no."), kind=NUMBER)
    register_detail("file_detached", _("File detached, no."), kind=NUMBER)
    register_detail("rows", _("Rows"), kind=NUMBER)
    register_detail("format", _("Format"), kind=CODE)
    register_detail("replaced", _("Case records replaced"), kind=NUMBER)
    register_detail("anonymised", _("Anonymised"))
    register_detail(
        "scope",
        _("Scope"),
        values={
            "report": _("one report"),
            "workspace": _("the whole workspace"),
            "network": _("the network's published data"),
        },
    )
    register_detail("release", _("Statistics release no."), kind=NUMBER)
    register_detail("number", _("Statistics release no."), kind=NUMBER)
    register_detail("k", _("Smallest group shown (k)"), kind=NUMBER)
    register_detail("epsilon", _("Privacy budget (ε)"), kind=NUMBER)
