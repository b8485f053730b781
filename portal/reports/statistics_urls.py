"""Public statistics: /statistics/ (not language-prefixed; the language comes
from the visitor's cookie or browser). Every release stays at its own address."""

from django.urls import path

from .views import statistics

app_name = "statistics"

urlpatterns = [
    path("", statistics.statistics_page, name="page"),
    path("statistics.csv", statistics.statistics_csv, name="csv"),
    path("releases/", statistics.release_list, name="releases"),
    path("releases/publish/", statistics.publish_page, name="publish"),
    path("releases/<int:number>/", statistics.release_page, name="release"),
    path("releases/<int:number>/statistics.csv", statistics.release_csv, name="release_csv"),
]
