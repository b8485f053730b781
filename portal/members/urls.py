"""/workspaces/… Every view here carries an access decorator from access.py;
tests/members/test_permission_matrix.py checks each URL for every role."""

from django.urls import path

from .views import audit, discussions, files, invitations, members, workspaces

app_name = "members"

discussion = "<slug:slug>/discussions/<int:discussion_id>"
comment = f"{discussion}/comments/<int:comment_id>"

urlpatterns = [
    # Members' area pages that are not about one workspace. Their first words
    # are reserved (models.workspaces.RESERVED_SLUGS) so no workspace hides them.
    path("", workspaces.workspace_list, name="workspace_list"),
    path("network/", workspaces.network_directory, name="network_directory"),
    path("network/<slug:slug>/join/", workspaces.join_request_create, name="join_request_create"),
    path("notifications/", workspaces.notification_settings, name="notification_settings"),
    path("invitations/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
    # One workspace.
    path("<slug:slug>/", workspaces.workspace_detail, name="workspace_detail"),
    path("<slug:slug>/settings/", workspaces.workspace_settings, name="workspace_settings"),
    path("<slug:slug>/archive/", workspaces.workspace_archive, name="workspace_archive"),
    path("<slug:slug>/restore/", workspaces.workspace_restore, name="workspace_restore"),
    path("<slug:slug>/leave/", workspaces.workspace_leave, name="workspace_leave"),
    path("<slug:slug>/members/", members.member_list, name="member_list"),
    path("<slug:slug>/members/transfer/", members.ownership_transfer, name="ownership_transfer"),
    path("<slug:slug>/members/<int:user_id>/role/", members.member_role, name="member_role"),
    path("<slug:slug>/members/<int:user_id>/remove/", members.member_remove, name="member_remove"),
    path("<slug:slug>/invitations/new/", members.invitation_create, name="invitation_create"),
    path(
        "<slug:slug>/invitations/<int:invitation_id>/revoke/",
        members.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "<slug:slug>/invitations/<int:invitation_id>/resend/",
        members.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "<slug:slug>/join-requests/<int:request_id>/",
        members.join_request_decide,
        name="join_request_decide",
    ),
    path("<slug:slug>/discussions/", discussions.discussion_list, name="discussion_list"),
    path("<slug:slug>/discussions/new/", discussions.discussion_create, name="discussion_create"),
    path(f"{discussion}/", discussions.discussion_detail, name="discussion_detail"),
    path(f"{discussion}/edit/", discussions.discussion_edit, name="discussion_edit"),
    path(f"{discussion}/moderate/", discussions.discussion_moderate, name="discussion_moderate"),
    path(f"{discussion}/delete/", discussions.discussion_delete, name="discussion_delete"),
    path(f"{discussion}/history/", discussions.discussion_history, name="discussion_history"),
    path(f"{discussion}/comments/", discussions.comment_create, name="comment_create"),
    path(f"{comment}/edit/", discussions.comment_edit, name="comment_edit"),
    path(f"{comment}/moderate/", discussions.comment_moderate, name="comment_moderate"),
    path(f"{comment}/delete/", discussions.comment_delete, name="comment_delete"),
    path("<slug:slug>/files/", files.file_list, name="file_list"),
    path("<slug:slug>/files/upload/", files.file_upload, name="file_upload"),
    path("<slug:slug>/files/<int:file_id>/download/", files.file_download, name="file_download"),
    path("<slug:slug>/files/<int:file_id>/delete/", files.file_delete, name="file_delete"),
    path("<slug:slug>/audit/", audit.audit_log, name="audit_log"),
]
