"""Reports shared with the whole network: /network/reports/"""

from django.urls import path

from .views import network

app_name = "network_reports"

urlpatterns = [
    path("", network.shared_reports, name="list"),
]
