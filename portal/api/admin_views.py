"""Wagtail admin for partner API tokens: create (the token is shown once), list,
rename, revoke. Tokens are never deleted: the audit log refers to them."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import MenuItem
from wagtail.permission_policies import ModelPermissionPolicy

from . import tokens
from .models import ApiToken, Scope


def default_expiry():
    from django.conf import settings

    return timezone.now() + datetime.timedelta(days=settings.PORTAL_API_TOKEN_DAYS)


class ApiTokenCreateForm(WagtailAdminModelForm):
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("What the token may fetch. Give the fewest that do the job."),
    )

    class Meta:
        model = ApiToken
        fields = ["name", "organisation", "scopes", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_at"].initial = default_expiry
        self.fields["expires_at"].help_text = _(
            "After this moment the token is refused. A year at most is a good rule."
        )

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        if expires_at <= timezone.now():
            raise forms.ValidationError(_("Choose a moment in the future."))
        return expires_at


class ApiTokenEditForm(WagtailAdminModelForm):
    """Only the name can change: scopes, organisation and expiry are part of what
    the token was issued for; issue a new token instead."""

    class Meta:
        model = ApiToken
        fields = ["name"]


class NoDeletePolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        if action == "delete":
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class TokenCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        token, raw = tokens.issue_token(
            name=data["name"],
            organisation=data["organisation"],
            scopes=data["scopes"],
            expires_at=data["expires_at"],
            actor=self.request.user,
        )
        self.raw_token = raw
        return token

    def save_action(self):
        # Shown on this response only, never stored or put in a message cookie.
        response = TemplateResponse(
            self.request,
            "api/admin/token_created.html",
            {
                "token": self.object,
                "raw_token": self.raw_token,
                "index_url": reverse(self.index_url_name),
                "header_title": _("API token created"),
                "page_title": _("API token created"),
                "header_icon": "key",
            },
        )
        response["Cache-Control"] = "no-store"
        return response


class TokenIndexView(generic.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = [b for b in super().get_list_more_buttons(instance) if b.label != _("Delete")]
        if not instance.is_revoked:
            buttons.append(
                MenuItem(
                    _("Revoke"),
                    url=reverse("api_tokens:revoke", args=[instance.pk]),
                    icon_name="cross",
                    priority=40,
                )
            )
        return buttons


class RevokeTokenView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "api/admin/confirm_revoke.html"
    header_icon = "key"
    page_title = gettext_lazy("Revoke API token")

    def dispatch(self, request, pk):
        policy = NoDeletePolicy(ApiToken)
        if not policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        self.token = get_object_or_404(ApiToken, pk=pk)
        return super().dispatch(request, pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(token=self.token, index_url=reverse("api_tokens:index"))
        return context

    def post(self, request, pk):
        tokens.revoke_token(self.token, actor=request.user)
        messages.success(
            request, _("The token %(token)s is revoked.") % {"token": self.token.display_prefix}
        )
        return redirect("api_tokens:index")
