"""Public statistics: /statistics/ (not language-prefixed; the language comes
from the visitor's cookie or browser)."""

from django.urls import path

from .views import statistics

app_name = "statistics"

urlpatterns = [
    path("", statistics.statistics_page, name="page"),
    path("statistics.csv", statistics.statistics_csv, name="csv"),
]
