"""The reports' retention kind: a monitoring report with its case records,
history (ReportChange), comments, share approvals and the attached files no
other report uses.

Closed means: the last change to the report itself, to its history or to one
of its case records, whichever is latest; a report nobody touched for the
period expires, whatever its status (an abandoned draft holds the same data).
Held: the report's own legal hold, or its workspace's.
"""

from django.db.models import Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext_lazy as _

from portal.core import retention
from portal.members.models import WorkspaceFile

from .models import CaseRecord, MonitoringReport, ReportAttachment, ReportChange


def _latest(model, field):
    return Subquery(
        model.objects.filter(report=OuterRef("pk"))
        .values("report")
        .annotate(latest=Max(field))
        .values("latest")[:1]
    )


def expired_reports(cutoff):
    return MonitoringReport.objects.annotate(
        retention_closed=Greatest(
            "updated_at",
            Coalesce(_latest(ReportChange, "at"), "updated_at"),
            Coalesce(_latest(CaseRecord, "updated_at"), "updated_at"),
        )
    ).filter(retention_closed__lt=cutoff, legal_hold=False, workspace__legal_hold=False)


def report_is_held(report):
    return (
        MonitoringReport.objects.filter(pk=report.pk)
        .filter(Q(legal_hold=True) | Q(workspace__legal_hold=True))
        .exists()
    )


def purge_report(report):
    file_ids = list(ReportAttachment.objects.filter(report=report).values_list("file", flat=True))
    report.delete()  # cascades: case records, history, comments, attachments, approvals
    # A file attached to another report too stays with that one.
    orphans = WorkspaceFile.objects.filter(pk__in=file_ids, report_attachments__isnull=True)
    blobs = []
    for stored in orphans:
        blobs.append((stored.file.storage, stored.file.name))
        stored.delete()
    return blobs


def register():
    retention.register(
        retention.RetentionKind(
            code="reports",
            label=_("Monitoring reports with their case records"),
            closed=_("last change to the report or one of its case records"),
            expired=expired_reports,
            purge=purge_report,
            held=report_is_held,
        )
    )
    from portal.core import audit_actions

    audit_actions.register_values(
        "retention_kind", {"reports": _("Monitoring reports with their case records")}
    )
