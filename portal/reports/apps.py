from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Monitoring reports, anonymous case records (HTCDS), import, export, statistics."""

    name = "portal.reports"
    label = "reports"
    verbose_name = "Monitoring reports"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from portal.core.activity_verbs import register as register_verb
        from portal.core.deletion import register_guard
        from portal.core.tabs import WorkspaceTab, register_tab
        from portal.members.models.workspaces import PERM_VIEW
        from portal.search.registry import registry

        from . import audit_actions  # registers the reports' audit actions
        from .file_guards import keep_files_of_submitted_reports
        from .search import ReportSource

        registry.register(ReportSource())
        from portal.members.audit_details import register_fields_model

        audit_actions.register_details()
        register_fields_model("case_record_changed", "reports.CaseRecord")
        register_tab(WorkspaceTab("reports", _("Reports"), "reports:list", PERM_VIEW, order=15))
        register_guard(keep_files_of_submitted_reports)
        from portal.core import personal_data

        from . import forms, retention

        retention.register()
        personal_data.set_guard(forms.guard)
        register_verb("report_submitted", _("submitted a monitoring report for review"))
        register_verb("report_reviewed", _("marked a monitoring report as reviewed"))
        register_verb("report_shared", _("shared a monitoring report with the network"))
        register_verb(
            "report_share_requested",
            _("asked the office to approve sharing a monitoring report with the network"),
        )
        register_verb(
            "report_share_declined", _("declined sharing a monitoring report with the network")
        )
