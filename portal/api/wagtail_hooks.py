from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from .admin_views import (
    ApiTokenCreateForm,
    ApiTokenEditForm,
    NoDeletePolicy,
    RevokeTokenView,
    TokenCreateView,
    TokenIndexView,
)
from .models import ApiToken

# Tokens are revoked, never deleted: the audit log refers to them.
register_permission_policy(ApiToken, NoDeletePolicy(ApiToken), exact_class=True)


class ApiTokenViewSet(ModelViewSet):
    model = ApiToken
    name = "api_tokens"
    url_prefix = "api-tokens"
    icon = "key"
    menu_label = _("API tokens")
    menu_order = 900
    add_to_admin_menu = True
    add_to_reference_index = False
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = TokenIndexView
    add_view_class = TokenCreateView
    list_display = [
        "name",
        "organisation",
        Column("display_prefix", label=_("Token")),
        Column("scopes_display", label=_("Scopes")),
        "expires_at",
        Column("status_label", label=_("Status")),
        "last_used_at",
        "use_count",
    ]
    list_filter = ["organisation"]
    search_fields = ["name", "prefix"]
    inspect_view_fields = [
        "name",
        "organisation",
        "prefix",
        "scopes",
        "created_at",
        "created_by",
        "expires_at",
        "revoked_at",
        "revoked_by",
        "last_used_at",
        "use_count",
    ]

    def get_form_class(self, for_update=False):
        return ApiTokenEditForm if for_update else ApiTokenCreateForm

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("revoke/<int:pk>/", RevokeTokenView.as_view(), name="revoke"),
        ]


@hooks.register("register_admin_viewset")
def register_api_token_viewset():
    return ApiTokenViewSet()
