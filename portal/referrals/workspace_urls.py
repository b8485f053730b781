"""A workspace's referrals: /workspaces/<slug>/referrals/ (both sides)."""

from django.urls import include, path

from . import workspace_views as views

app_name = "workspace_referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/<int:case_id>/", views.referral_create, name="create"),
    path("<int:referral_id>/", views.referral_detail, name="detail"),
    path("<int:referral_id>/edit/", views.referral_edit, name="edit"),
    path("<int:referral_id>/accept/", views.referral_accept, name="accept"),
    path("<int:referral_id>/decline/", views.referral_decline, name="decline"),
    path("<int:referral_id>/revoke/", views.referral_revoke, name="revoke"),
    path("<int:referral_id>/close/", views.referral_close, name="close"),
    path("<int:referral_id>/messages/", views.message_add, name="message_add"),
    path("<int:referral_id>/steps/", views.step_add, name="step_add"),
    path("<int:referral_id>/documents/", include("portal.referrals.document_urls")),
]
