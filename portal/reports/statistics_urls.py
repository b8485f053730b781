"""Public statistics: /statistics/ (not language-prefixed; the language comes
from the visitor's cookie or browser). Every release stays at its own address."""

from django.urls import path

from .views import statistics

app_name = "statistics"

urlpatterns = [
    path("", statistics.statistics_page, name="page"),
    path("statistics.csv", statistics.statistics_csv, name="csv"),
    path("corridors/", statistics.corridors_page, name="corridors"),
    path("corridors.csv", statistics.corridors_csv, name="corridors_csv"),
    path("releases/", statistics.release_list, name="releases"),
    path("releases/publish/", statistics.publish_page, name="publish"),
    path("releases/<int:number>/", statistics.release_page, name="release"),
    path("releases/<int:number>/statistics.csv", statistics.release_csv, name="release_csv"),
    path(
        "releases/<int:number>/corridors/",
        statistics.release_corridors_page,
        name="release_corridors",
    ),
    path(
        "releases/<int:number>/corridors.csv",
        statistics.release_corridors_csv,
        name="release_corridors_csv",
    ),
]
