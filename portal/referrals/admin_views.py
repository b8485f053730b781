"""Wagtail admin of the "Referrals" menu: the service directory and the
coordinators' view of the network's referrals.

Service directory: network coordinators and superusers only
(``policy.can_manage_directory``): a role, not model permissions, so no group
gets the right by a stray permission tick. Every add and change goes through
``directory.save_provider``, which audits it. Nothing is deleted: a provider
is deactivated (the audit log refers to it).

Referrals: the metadata of every referral (``policy.can_view_referral_metadata``)
and its legal hold; see the section below."""

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import MenuItem
from wagtail.permission_policies.base import BasePermissionPolicy

from portal.core.countries import sorted_choices
from portal.core.policy import ActionRefused
from portal.core.roles import NETWORK_COORDINATORS
from portal.members.admin_views import YesNoColumn
from portal.members.models import Workspace
from portal.members.retention import can_set_legal_hold

from . import directory, retention
from .models import COUNTRY_CHOICES, Language, Referral, Service, ServiceProvider
from .policy import can_manage_directory, can_view_referral_metadata
from .vocabulary import Phase, Status

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
    register_permission_policy(Referral, ReferralMetadataPolicy(Referral), exact_class=True)


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


# --- Referrals: the coordinators' metadata view ----------------------------------
#
# Parties, TRM phase, urgency, status and dates of every referral in the
# network, for the coordinators (``policy.can_view_referral_metadata``). Never
# the needs, the case data, the consent's details, the thread, the steps or
# the documents: the columns below are the whole of what this view reads, and
# it has no inspect, edit, history or usage page that could show the rest.


class ReferralMetadataPolicy(BasePermissionPolicy):
    """Only "view": nobody changes a referral here, except its legal hold
    (its own view below, through ``retention.set_legal_hold``)."""

    def user_has_permission(self, user, action):
        return action == "view" and can_view_referral_metadata(user).allowed

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return get_user_model().objects.none()
        return DirectoryPolicy(ServiceProvider).users_with_any_permission(["view"])

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


def _country_filter_choices():
    return sorted_choices([code for code, _name in COUNTRY_CHOICES])


class ReferralFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=Status.choices)
    phase = django_filters.ChoiceFilter(label=gettext_lazy("TRM phase"), choices=Phase.choices)
    country = django_filters.ChoiceFilter(
        label=gettext_lazy("Country (either side)"),
        choices=_country_filter_choices,
        method="either_side",
    )

    class Meta:
        model = Referral
        fields = []

    def either_side(self, queryset, name, value):
        return queryset.filter(Q(from_country=value) | Q(to_country=value))


def _when(value):
    if value is None:
        return "—"
    return date_format(timezone.localtime(value), "SHORT_DATE_FORMAT")


def _party(organisation, workspace):
    name = organisation.name if organisation is not None else "—"
    return f"{name} ({workspace.name})"


class DateColumnShort(Column):
    def get_value(self, instance):
        return _when(super().get_value(instance))


class ReferralIndexView(generic.IndexView):
    def get_list_more_buttons(self, instance):
        if not can_set_legal_hold(self.request.user):
            return []
        return [
            MenuItem(
                gettext("Lift the legal hold")
                if instance.legal_hold
                else gettext("Set a legal hold"),
                url=reverse("referrals_referrals:hold", args=[instance.pk]),
                icon_name="lock-open" if instance.legal_hold else "lock",
                priority=10,
            )
        ]


class LegalHoldView(WagtailAdminTemplateMixin, TemplateView):
    """Confirm, then set or lift one referral's legal hold."""

    template_name = "referrals/admin/confirm_hold.html"
    header_icon = "lock"
    page_title = gettext_lazy("Legal hold")

    def dispatch(self, request, pk):
        # Before the lookup: a refused person learns nothing, not even whether
        # the id exists.
        if not (can_view_referral_metadata(request.user) and can_set_legal_hold(request.user)):
            raise PermissionDenied
        self.referral = get_object_or_404(
            Referral.objects.select_related("from_workspace", "to_workspace"), pk=pk
        )
        return super().dispatch(request, pk)

    def get_page_subtitle(self):
        return self.referral.reference

    def get(self, request, pk):
        return self.render_to_response(self.get_context_data())

    def post(self, request, pk):
        # The state the person confirmed, not a toggle: a page left open while
        # another coordinator changed the hold must not undo their decision.
        wanted = request.POST.get("held")
        if wanted not in ("0", "1"):
            context = self.get_context_data(
                error=gettext("Confirm with the button on this page: nothing was changed.")
            )
            return self.render_to_response(context, status=400)
        held = wanted == "1"
        if held == self.referral.legal_hold:
            messages.info(
                request,
                gettext("Nothing changed: %(reference)s was already %(state)s.")
                % {
                    "reference": self.referral.reference,
                    "state": gettext("under legal hold") if held else gettext("without a hold"),
                },
            )
            return redirect("referrals_referrals:index")
        retention.set_legal_hold(request.user, self.referral, held)
        if held:
            message = gettext(
                "%(reference)s is under legal hold: the purge keeps it until the hold is lifted."
            )
        else:
            message = gettext(
                "The legal hold on %(reference)s is lifted: it is removed at the end of its "
                "retention period."
            )
        messages.success(request, message % {"reference": self.referral.reference})
        return redirect("referrals_referrals:index")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(referral=self.referral, index_url=reverse("referrals_referrals:index"))
        return context


class ReferralViewSet(ModelViewSet):
    model = Referral
    name = "referrals_referrals"
    url_prefix = "referrals/referrals"
    icon = "resubmit"
    menu_label = gettext_lazy("Referrals")
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = ReferralIndexView
    filterset_class = ReferralFilterSet
    form_fields = []
    list_per_page = 50
    list_display = [
        # A field name first: Wagtail makes it the title column, with the row's actions.
        "__str__",
        Column(
            "from",
            label=gettext_lazy("From"),
            accessor=lambda r: _party(r.from_organisation, r.from_workspace),
        ),
        Column(
            "to",
            label=gettext_lazy("To"),
            accessor=lambda r: _party(r.to_organisation, r.to_workspace),
        ),
        Column("phase", label=gettext_lazy("TRM phase"), accessor="get_phase_display"),
        Column("urgency", label=gettext_lazy("Urgency"), accessor="get_urgency_display"),
        Column("status", label=gettext_lazy("Status"), accessor="get_status_display"),
        DateColumnShort("sent_at", label=gettext_lazy("Sent"), sort_key="sent_at"),
        DateColumnShort("due_at", label=gettext_lazy("Answer due"), sort_key="due_at"),
        DateColumnShort("responded_at", label=gettext_lazy("Answered")),
        DateColumnShort(
            "ended",
            label=gettext_lazy("Closed or revoked"),
            accessor=lambda r: r.closed_at or r.revoked_at,
        ),
        Column(
            "overdue",
            label=gettext_lazy("Overdue"),
            accessor=lambda r: gettext("Overdue") if r.is_overdue else "—",
        ),
        # Whether consent or an override: never who gave it, how, or the reason.
        Column(
            "consent",
            label=gettext_lazy("Consent"),
            accessor=lambda r: gettext("consent") if r.consent_given else gettext("override"),
        ),
        YesNoColumn(Referral, "legal_hold"),
    ]

    def get_queryset(self, request):
        return Referral.objects.select_related(
            "from_organisation", "from_workspace", "to_organisation", "to_workspace"
        ).only(*METADATA_FIELDS)

    def get_urlpatterns(self):
        from django.urls import path

        # The list and the legal hold only: no add, edit, delete, history or
        # usage page exists to be misconfigured into showing a referral.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("hold/<int:pk>/", LegalHoldView.as_view(), name="hold"),
        ]


# What the list reads from the database: the rest of a referral never leaves it here.
METADATA_FIELDS = (
    "id",
    "from_organisation__name",
    "from_workspace__name",
    "to_organisation__name",
    "to_workspace__name",
    "from_country",
    "to_country",
    "phase",
    "urgency",
    "status",
    "sent_at",
    "due_at",
    "responded_at",
    "closed_at",
    "revoked_at",
    "consent_given",
    "legal_hold",
)


class ReferralsViewSetGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Referrals")
    menu_icon = "group"
    menu_order = 270
    items = (ProviderViewSet, ReferralViewSet)
