"""Upload and download of a referral's documents (the service is
portal.referrals.documents; the list and the form are shown on the referral's
page by templates/referrals/includes/documents.html)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from portal.core.policy import NOT_FOUND, ActionRefused
from portal.members.access import workspace_view
from portal.members.files import StorageFailed, refuse_unreceived_upload
from portal.members.forms import UploadForm
from portal.members.models.workspaces import PERM_CONTRIBUTE
from portal.members.views.common import render_workspace

from . import documents, policy


class DocumentForm(UploadForm):
    """The workspace upload form's file field (same types, size limit and
    help), with a title in place of the description."""

    description = None
    title = forms.CharField(
        label=gettext_lazy("What is it?"),
        max_length=documents.MAX_TITLE,
        help_text=gettext_lazy(
            "For example “Consent form” or “Medical note”. Seen by both organisations. "
            "Never the person's name."
        ),
        error_messages={"required": gettext_lazy("Say what the document is.")},
    )
    field_order = ("title", "file")


def detail_url(workspace, referral):
    return (
        reverse(
            "workspace_referrals:detail",
            kwargs={"slug": workspace.slug, "referral_id": referral.pk},
        )
        + "#documents"
    )


def _readable(request, workspace, referral_id):
    try:
        referral, _access = policy.readable_referral(request.user, referral_id, workspace)
    except ActionRefused:
        raise Http404("No such referral.") from None
    return referral


@workspace_view(PERM_CONTRIBUTE, write=True)
@require_POST
def document_upload(request, workspace, referral_id):
    referral = _readable(request, workspace, referral_id)
    form = DocumentForm(request.POST, request.FILES)
    status = 400
    refusal = ""
    if refuse_unreceived_upload(form, request):
        status = 507
    elif form.is_valid():
        try:
            document = documents.upload(
                request.user,
                referral,
                form.cleaned_data["file"],
                form.cleaned_data["title"],
                workspace=workspace,
            )
        except ActionRefused as exc:
            if exc.status == NOT_FOUND:
                raise Http404("No such referral.") from None
            # Residency (403) or a referral no longer open (409): the page
            # says why and what to do instead.
            refusal, status = exc.message, exc.status
        except StorageFailed as exc:
            form.add_error("file", exc)
            status = 507  # the server could not keep it, the request was fine
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("“%(title)s” is added to the referral.") % {"title": document.title}
            )
            return redirect(detail_url(workspace, referral))
    return render_workspace(
        request,
        "referrals/document_upload.html",
        {
            "referral": referral,
            "form": form,
            "refusal": refusal,
            "back_url": detail_url(workspace, referral),
        },
        tab="referrals",
        status=status,
    )


# GET only: a HEAD request would be recorded as a download that never happened.
@workspace_view(PERM_CONTRIBUTE)
@require_GET
def document_download(request, workspace, referral_id, document_id):
    try:
        referral, document = documents.readable_document(
            request.user, referral_id, document_id, workspace
        )
    except ActionRefused:
        raise Http404("No such document.") from None
    return documents.download(request.user, referral, document)
