"""A referral's documents: /workspaces/<slug>/referrals/<id>/documents/…
(included by portal.referrals.workspace_urls, in its namespace)."""

from django.urls import path

from . import document_views as views

urlpatterns = [
    path("", views.document_upload, name="document_upload"),
    path("<int:document_id>/", views.document_download, name="document_download"),
]
