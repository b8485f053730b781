"""The service directory for network members: /services/"""

from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.directory, name="directory"),
]
