"""The documents panel of a referral's page, from the page's own context
(``referral``, ``workspace``, ``request``): the list, and the upload form only
when the service would accept a document (documents.may_upload)."""

from dataclasses import dataclass

from django import template

from .. import documents

register = template.Library()


@dataclass(frozen=True)
class Panel:
    documents: list
    can_upload: bool
    residency_refusal: str
    form: object


@register.simple_tag(takes_context=True)
def referral_documents_panel(context, referral, workspace=None):
    from ..document_views import DocumentForm

    request = context["request"]
    workspace = workspace or getattr(request, "workspace", None)
    by_policy, held = documents.upload_decisions(request.user, referral, workspace)
    return Panel(
        documents=list(documents.documents_of(referral)),
        can_upload=bool(by_policy and held),
        # The policy's own refusals (an archived workspace, a closed referral)
        # are said elsewhere on the page; residency's is said here.
        residency_refusal=held.message if by_policy and not held else "",
        form=context.get("document_form") or DocumentForm(),
    )
