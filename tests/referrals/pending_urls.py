"""Scaffolding until the referral pages are merged: branch h-refpages adds
portal.referrals.workspace_views and includes portal.referrals.workspace_urls
in portal/urls.py. Mails link to a referral's page in the workspace, so their
tests need the address to exist. The ``referral_pages`` fixture of
test_deadlines.py uses this only while the real one is missing; delete both
once it is there."""

from django.http import HttpResponseNotFound
from django.urls import include, path

from portal.urls import urlpatterns as portal_urlpatterns


def _not_yet(request, slug, referral_id):
    return HttpResponseNotFound()


_pages = ([path("<int:referral_id>/", _not_yet, name="detail")], "workspace_referrals")

urlpatterns = [
    path("workspaces/<slug:slug>/referrals/", include(_pages)),
    *portal_urlpatterns,
]
