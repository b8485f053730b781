"""The site's URLs, plus (until portal.referrals.workspace_urls is routed by
the referral pages) a stand-in for the referral's page holding the documents
panel, under the same namespace and address, so the document routes are
tested where they will live. Once the real routes exist, they are used as is."""

from django.http import Http404
from django.template import engines
from django.urls import NoReverseMatch, include, path, reverse

from portal import urls as site_urls
from portal.core.policy import ActionRefused
from portal.members.access import workspace_view
from portal.members.models.workspaces import PERM_CONTRIBUTE


def _routed():
    try:
        reverse(
            "workspace_referrals:document_upload",
            kwargs={"slug": "x", "referral_id": 1},
            urlconf=site_urls,
        )
    except NoReverseMatch:
        return False
    return True


_PAGE = (
    '{% extends "members/workspace_base.html" %}{% block content %}'
    "<h1>{{ referral.reference }}</h1>"
    '{% include "referrals/includes/documents.html" %}{% endblock %}'
)


@workspace_view(PERM_CONTRIBUTE)
def _stand_in_detail(request, workspace, referral_id):
    from portal.members.views.common import capabilities
    from portal.referrals import policy

    try:
        referral, _access = policy.readable_referral(request.user, referral_id, workspace)
    except ActionRefused:
        raise Http404("No such referral.") from None
    page = engines["django"].from_string(_PAGE)
    context = {
        "workspace": workspace,
        "membership": request.membership,
        "can": capabilities(request),
        "referral": referral,
        "tab": "referrals",
    }
    from django.http import HttpResponse

    return HttpResponse(page.render(context, request))


urlpatterns = list(site_urls.urlpatterns)
if not _routed():
    _stand_in = (
        [
            path("<int:referral_id>/", _stand_in_detail, name="detail"),
            path("<int:referral_id>/documents/", include("portal.referrals.document_urls")),
        ],
        "workspace_referrals",
    )
    urlpatterns.insert(0, path("workspaces/<slug:slug>/referrals/", include(_stand_in)))
