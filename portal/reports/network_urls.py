"""Reports shared with the whole network: /network/reports/"""

from django.urls import path

from .views import network

app_name = "network_reports"

urlpatterns = [
    path("", network.shared_reports, name="list"),
    path("approvals/", network.share_approvals, name="approvals"),
    path("approvals/<int:approval_id>/approve/", network.share_approve, name="approve"),
    path("approvals/<int:approval_id>/decline/", network.share_decline, name="decline"),
]
