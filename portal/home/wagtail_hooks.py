from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import BaseViewRestriction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.members import second_factor
from portal.members.audience import mfa_blocks_restricted_access

from .models import Hotline


class HotlineViewSet(SnippetViewSet):
    model = Hotline
    icon = "mobile-alt"
    menu_label = _("Hotlines")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["organisation", "phone", "country", "hours", "needs_native_review"]
    list_filter = ["country", "needs_native_review"]
    ordering = ["country", "sort_order"]


register_snippet(HotlineViewSet)


# Account-based restrictions ("signed-in users", "these groups") trust the
# session; a page password does not, and stays Wagtail's own affair.
_ACCOUNT_RESTRICTIONS = (BaseViewRestriction.LOGIN, BaseViewRestriction.GROUPS)


def second_factor_gate(request, restrictions):
    """The members' area rule for pages and documents restricted to accounts:
    a session that has not passed the second factor where the portal asks for
    it is sent to pass it, like a stolen password anywhere else."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None  # Wagtail's own check sends visitors to sign in
    if not any(r.restriction_type in _ACCOUNT_RESTRICTIONS for r in restrictions):
        return None
    if not mfa_blocks_restricted_access(user):
        return None
    message = _("This page is for signed-in people: confirm it is you first.")
    return second_factor.gate_response(request, set_up_message=message, code_message=message)


@hooks.register("before_serve_page")
def restricted_pages_need_the_second_factor(page, request, serve_args, serve_kwargs):
    return second_factor_gate(request, page.get_view_restrictions())


@hooks.register("before_serve_document")
def restricted_documents_need_the_second_factor(document, request):
    return second_factor_gate(request, document.collection.get_view_restrictions())
