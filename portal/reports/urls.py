"""Monitoring reports of one workspace: /workspaces/<slug>/reports/…"""

from django.urls import path

from .views import cases, exports, reports

app_name = "reports"

urlpatterns = [
    path("", reports.report_list, name="list"),
    path("new/", reports.report_create, name="create"),
    path("export/", exports.export_page, name="export"),
    path("export/<str:variant>.<str:fmt>", exports.export_download, name="export_download"),
    path("<int:report_id>/", reports.report_detail, name="detail"),
    path("<int:report_id>/edit/", reports.report_edit, name="edit"),
    path("<int:report_id>/submit/", reports.report_submit, name="submit"),
    path("<int:report_id>/review/", reports.report_review, name="review"),
    path("<int:report_id>/return/", reports.report_return, name="return"),
    path("<int:report_id>/reopen/", reports.report_reopen, name="reopen"),
    path("<int:report_id>/share/", reports.report_share, name="share"),
    path("<int:report_id>/withdraw/", reports.report_withdraw, name="withdraw"),
    path("<int:report_id>/comments/", reports.comment_add, name="comment_add"),
    path(
        "<int:report_id>/comments/<int:comment_id>/delete/",
        reports.comment_delete,
        name="comment_delete",
    ),
    path("<int:report_id>/attachments/", reports.attachment_add, name="attachment_add"),
    path(
        "<int:report_id>/attachments/<int:attachment_id>/remove/",
        reports.attachment_remove,
        name="attachment_remove",
    ),
    path("<int:report_id>/cases/new/", cases.case_create, name="case_create"),
    path("<int:report_id>/cases/<int:case_id>/edit/", cases.case_edit, name="case_edit"),
    path("<int:report_id>/cases/<int:case_id>/delete/", cases.case_delete, name="case_delete"),
    path("<int:report_id>/import/", cases.case_import, name="import"),
]
