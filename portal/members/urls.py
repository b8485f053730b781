from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("", views.workspace_list, name="workspace_list"),
    path("<slug:slug>/", views.workspace_detail, name="workspace_detail"),
]
