"""Wagtail admin for the service directory (the "Referrals" menu, "Service
directory" item). Network coordinators and superusers only
(``policy.can_manage_directory``): a role, not model permissions, so no group
gets the right by a stray permission tick. Every add and change goes through
``directory.save_provider``, which audits it. Nothing is deleted: a provider
is deactivated (the audit log refers to it)."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies.base import BasePermissionPolicy

from portal.core.policy import ActionRefused
from portal.core.roles import NETWORK_COORDINATORS
from portal.members.admin_views import YesNoColumn
from portal.members.models import Workspace

from . import directory
from .models import Language, Service, ServiceProvider
from .policy import can_manage_directory

ACTIONS = ("add", "change", "view")


class DirectoryPolicy(BasePermissionPolicy):
    """Wagtail's permission-policy interface over ``can_manage_directory``;
    never "delete"."""

    def user_has_permission(self, user, action):
        return action in ACTIONS and can_manage_directory(user).allowed

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        if not set(ACTIONS).intersection(actions):
            return get_user_model().objects.none()
        return (
            get_user_model()
            .objects.filter(
                Q(is_superuser=True) | Q(groups__name=NETWORK_COORDINATORS), is_active=True
            )
            .distinct()
        )

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


def register_policies():
    from wagtail.permissions import register_permission_policy

    register_permission_policy(ServiceProvider, DirectoryPolicy(ServiceProvider), exact_class=True)


def _workspace_label(workspace):
    return f"{workspace.organisation.name}: {workspace.name}"


class ProviderForm(WagtailAdminModelForm):
    services = forms.MultipleChoiceField(
        label=gettext_lazy("Services"),
        choices=Service.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=ServiceProvider._meta.get_field("services").help_text,
    )
    languages = forms.MultipleChoiceField(
        label=gettext_lazy("Languages spoken"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    website = forms.URLField(
        label=ServiceProvider._meta.get_field("website").verbose_name,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = ServiceProvider
        fields = list(directory.AUDITED_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("services", list(self.instance.services or []))
        self.initial.setdefault("languages", list(self.instance.languages or []))
        # Open workspaces of member organisations, named with their organisation:
        # the model's clean() then refuses one of another organisation by name.
        field = self.fields["receiving_workspace"]
        field.queryset = (
            Workspace.objects.active()
            .filter(organisation__isnull=False)
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )
        field.label_from_instance = _workspace_label
        field.error_messages["invalid_choice"] = gettext_lazy(
            "Choose an open workspace of this organisation: this one is archived or gone."
        )


class _SavedThroughTheService:
    """Save through ``directory.save_provider`` (role check, audit); its
    refusals come back on the form (200, what was typed kept), never a 500."""

    def save_instance(self):
        return directory.save_provider(self.form.instance, actor=self.request.user)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        return self.form_invalid(form)


class ProviderCreateView(_SavedThroughTheService, generic.CreateView):
    pass


class ProviderEditView(_SavedThroughTheService, generic.EditView):
    pass


def _services_text(provider):
    return ", ".join(provider.get_services_display())


class ProviderViewSet(ModelViewSet):
    model = ServiceProvider
    name = "referrals_providers"
    url_prefix = "referrals/providers"
    icon = "group"
    menu_label = gettext_lazy("Service directory")
    add_to_reference_index = False
    copy_view_enabled = False
    add_view_class = ProviderCreateView
    edit_view_class = ProviderEditView
    list_display = [
        "__str__",
        "country",
        "city",
        Column("services", label=gettext_lazy("Services"), accessor=_services_text),
        YesNoColumn(ServiceProvider, "accepts_referrals"),
        YesNoColumn(ServiceProvider, "public"),
        YesNoColumn(ServiceProvider, "active"),
    ]
    list_filter = ["country", "accepts_referrals", "public", "active"]
    search_fields = ["name", "city", "region", "organisation__name"]
    search_backend_name = None

    def get_form_class(self, for_update=False):
        return ProviderForm


class ReferralsViewSetGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Referrals")
    menu_icon = "group"
    menu_order = 270
    items = (ProviderViewSet,)
