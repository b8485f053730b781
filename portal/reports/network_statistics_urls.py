"""Live figures for people of the network: /network/statistics/"""

from django.urls import path

from .views import network_statistics

app_name = "network_statistics"

urlpatterns = [
    path("", network_statistics.network_statistics, name="page"),
]
