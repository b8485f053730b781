"""Following an invitation link.

- Unknown token: 404; used, revoked or expired: 410; workspace archived:
  403; each with a page that says what to do.
- Signed in with the invited address: one click to join.
- Signed in as an account that has not proved the invited address (another
  login, or the address added but never confirmed): refused with 403 and told
  to sign in with the invited address or to confirm it first.
- Not signed in, and the address has an account: asked to sign in first.
- Not signed in, no account yet: allauth's signup, open for this one request
  even when signup is closed, with the address fixed and already verified.
"""

from allauth.account.adapter import get_adapter
from allauth.account.views import SignupView
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .. import invitations
from ..access import token_view
from ..models import Invitation, InvitationStatus


def _no_referrer(response):
    # The token is in the address; it must not travel to other sites. Not
    # "no-referrer": browsers then post this page's forms with "Origin: null",
    # which Django's CSRF check refuses, and nobody could sign up or join.
    response["Referrer-Policy"] = "same-origin"
    return response


def _unavailable(request, invitation):
    status = invitation.status if invitation else None
    # A pending link to an archived workspace may work again once it is restored.
    archived = status == InvitationStatus.PENDING and invitation.workspace.is_archived
    return _no_referrer(
        render(
            request,
            "members/invitation_unavailable.html",
            {"status": status, "statuses": InvitationStatus, "archived": archived},
            status=404 if invitation is None else (403 if archived else 410),
        )
    )


class InvitationSignupView(SignupView):
    """allauth's signup with the invited address fixed; on success the new
    account joins the workspace in the same transaction."""

    template_name = "members/invitation_signup.html"
    invitation = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if "data" in kwargs:
            data = kwargs["data"].copy()
            data["email"] = self.invitation.email
            if "email2" in data:
                data["email2"] = self.invitation.email
            kwargs["data"] = data
        kwargs.setdefault("initial", {})["email"] = self.invitation.email
        return kwargs

    def get_success_url(self):
        return self.invitation.workspace.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            invitation=self.invitation,
            login_url=_login_url(self.request),
        )
        return context

    def form_valid(self, form):
        with transaction.atomic():
            invitation = Invitation.objects.select_for_update().get(pk=self.invitation.pk)
            if not invitations.can_be_accepted(invitation):
                return _unavailable(self.request, invitation)
            response = super().form_valid(form)
            user = getattr(self, "user", None)
            if user is not None and user.pk:
                invitations.accept(invitation, user, new_account=True)
                messages.success(
                    self.request,
                    _("Welcome to %(name)s.") % {"name": invitation.workspace.name},
                )
        return response


def _login_url(request):
    return f"{reverse('account_login')}?{urlencode({'next': request.path})}"


@token_view
@never_cache
def invitation_accept(request, token):
    invitation = invitations.find(token)
    if invitation is None or not invitations.can_be_accepted(invitation):
        return _unavailable(request, invitation)
    workspace = invitation.workspace
    context = {"invitation": invitation, "workspace": workspace}

    if request.user.is_authenticated:
        if not invitations.belongs_to(request.user, invitation.email):
            context["logout_next"] = request.path
            context["unconfirmed"] = invitations.holds_unverified(request.user, invitation.email)
            context["email_url"] = reverse("account_email")
            return _no_referrer(
                render(request, "members/invitation_wrong_account.html", context, status=403)
            )
        if request.method == "POST":
            try:
                invitations.accept(invitation, request.user)
            except invitations.InvitationError as exc:
                messages.error(request, str(exc))
                return redirect("members:workspace_list")
            messages.success(request, _("Welcome to %(name)s.") % {"name": workspace.name})
            return redirect(workspace)
        return _no_referrer(render(request, "members/invitation_accept.html", context))

    if invitations.account_for(invitation.email) is not None:
        context["login_url"] = _login_url(request)
        return _no_referrer(render(request, "members/invitation_sign_in.html", context))

    # No account yet: sign up through allauth, even with signup closed.
    if request.method == "POST":
        invitations.release_unproven_claims(invitation.email)
    request.portal_invitation_signup = True
    get_adapter(request).stash_verified_email(request, invitation.email)
    response = InvitationSignupView.as_view(invitation=invitation)(request)
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    return _no_referrer(response)
