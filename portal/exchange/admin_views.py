"""Wagtail admin for data exchange (the "Data exchange" menu): agreements with
partner databases, this portal's signing keys, the portals we subscribe to and
the releases received from them. Network coordinators and superusers only
(``agreements.can_manage_exchange``); every change goes through
``portal.exchange.agreements`` or ``portal.exchange.keys``, which audit it.

Nothing is deleted from here: the audit log and the signed releases refer to
agreements and keys. The partner's token is shown once, on the page that
answers the registration, and nowhere else."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import Button, HeaderButton, MenuItem
from wagtail.permission_policies.base import BasePermissionPolicy

from portal.core.countries import country_choices, country_name
from portal.core.policy import ActionRefused
from portal.core.roles import NETWORK_COORDINATORS
from portal.members.admin_views import YesNoColumn
from portal.members.models import Organisation

from . import agreements, keys, outgoing
from .models import Agreement, EventKind, ImportedRelease, ReleaseEvent, SigningKey, Subscription

# --- Who may do what ------------------------------------------------------------


class ExchangePolicy(BasePermissionPolicy):
    """Wagtail's permission-policy interface over ``can_manage_exchange``: a
    role, not model permissions, so no group can be given the right by a
    stray permission tick. ``actions`` limits what even a coordinator may do
    (never "delete")."""

    def __init__(self, model, actions):
        super().__init__(model)
        self.actions = frozenset(actions)

    def user_has_permission(self, user, action):
        return action in self.actions and agreements.can_manage_exchange(user).allowed

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        if not self.actions.intersection(actions):
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


POLICIES = {
    Agreement: ("add", "change", "view"),
    # Keys change only through the rotate and revoke views below.
    SigningKey: ("view",),
    # Subscribing is a server command (portal.exchange.sync); here they are read.
    Subscription: ("view",),
    ImportedRelease: ("view",),
    # Withdrawing is the view below; the log itself is only read.
    ReleaseEvent: ("view",),
}


def register_policies():
    from wagtail.permissions import register_permission_policy

    for model, actions in POLICIES.items():
        register_permission_policy(model, ExchangePolicy(model, actions), exact_class=True)


class _CoordinatorOnly:
    """For the views outside Wagtail's generic ones (end early, rotate, revoke)."""

    def dispatch(self, request, *args, **kwargs):
        # Before looking anything up: a refused person learns nothing, not
        # even whether the id exists.
        if not agreements.can_manage_exchange(request.user):
            raise PermissionDenied
        self.load(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs):
        pass


def _without_delete(buttons):
    return [b for b in buttons if getattr(b, "icon_name", "") != "bin"]


def _add_errors(form, error):
    """A service's ValidationError onto the form: by field where the form has
    the field, at the top otherwise."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Agreements -----------------------------------------------------------------


def _countries_text(agreement):
    return ", ".join(agreement.countries or [])


def _years_text(agreement):
    return f"{agreement.year_from}–{agreement.year_to}"


class _AgreementFormBase(WagtailAdminModelForm):
    countries = forms.MultipleChoiceField(
        label=gettext_lazy("Countries"),
        # A callable: names in the language of the person reading the form.
        choices=country_choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "exchange-countries"}),
        help_text=gettext_lazy(
            "Only records whose citizenship or country of exploitation is one of these, "
            "and corridors touching them, are sent."
        ),
    )

    inbox_url = forms.URLField(
        label=Agreement._meta.get_field("inbox_url").verbose_name,
        help_text=Agreement._meta.get_field("inbox_url").help_text,
        required=False,
        assume_scheme="https",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("countries", list(self.instance.countries or []))
        for name in ("year_from", "year_to"):
            if name in self.fields:
                self.fields[name].widget.attrs.update({"inputmode": "numeric"})

    class Media:
        css = {"all": ["css/admin.css"]}

    def _post_clean(self):
        # The service validates the whole agreement (model rules and today's);
        # the form only parses, so nothing is checked twice with two wordings.
        pass


class AgreementCreateForm(_AgreementFormBase):
    partner = forms.ModelChoiceField(
        label=gettext_lazy("Partner"),
        queryset=Organisation.objects.order_by("name"),
        help_text=gettext_lazy(
            "The organisation that runs the partner database. Missing? Add it under "
            "Network → Organisations first."
        ),
    )

    class Meta:
        model = Agreement
        fields = list(agreements.FIELDS)


class AgreementEditForm(_AgreementFormBase):
    class Meta:
        model = Agreement
        fields = list(agreements.CHANGEABLE)


class _ServiceErrorsOnTheForm:
    """A refusal from the service comes back on the form (200, what was typed
    kept), never as a 500."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            _add_errors(form, error)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        self.produced_error_code = "validation_error"
        self.produced_error_message = self.get_error_message()
        return self.form_invalid(form)


class AgreementCreateView(_ServiceErrorsOnTheForm, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        agreement, self.raw_token = agreements.create_agreement(
            actor=self.request.user, **{name: data.get(name) for name in agreements.FIELDS}
        )
        return agreement

    def save_action(self):
        if not self.raw_token:
            return super().save_action()
        # The token is on this response only: never stored, never in a message
        # (messages travel in a cookie or the session).
        response = TemplateResponse(
            self.request,
            "exchange/admin/agreement_created.html",
            {
                "agreement": self.object,
                "token": self.object.token,
                "raw_token": self.raw_token,
                "index_url": reverse(self.index_url_name),
                "inspect_url": reverse("exchange_agreements:inspect", args=[self.object.pk]),
                "header_title": _("Agreement registered"),
                "page_title": _("Agreement registered"),
                "header_icon": "key",
            },
        )
        response["Cache-Control"] = "no-store"
        return response


class AgreementEditView(_ServiceErrorsOnTheForm, generic.EditView):
    def dispatch(self, request, *args, **kwargs):
        agreement = Agreement.objects.filter(pk=kwargs.get("pk")).first()
        if agreement is not None and agreement.revoked_at and self._may(request):
            messages.error(
                request, _("This agreement was ended early and cannot change. Register a new one.")
            )
            return redirect("exchange_agreements:inspect", agreement.pk)
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def _may(request):
        return agreements.can_manage_exchange(request.user).allowed

    def save_instance(self):
        data = self.form.cleaned_data
        return agreements.update_agreement(
            self.object,
            actor=self.request.user,
            **{name: data.get(name) for name in agreements.CHANGEABLE},
        )


class AgreementIndexView(generic.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = _without_delete(super().get_list_more_buttons(instance))
        if instance.revoked_at:
            buttons = [b for b in buttons if getattr(b, "icon_name", "") != "edit"]
        else:
            buttons.append(
                MenuItem(
                    _("End early"),
                    url=reverse("exchange_agreements:end", args=[instance.pk]),
                    icon_name="cross",
                    priority=40,
                )
            )
        return buttons


class AgreementInspectView(generic.InspectView):
    def get_countries_display_value(self):
        return ", ".join(str(country_name(code)) for code in self.object.countries or [])

    def get_token_display_value(self):
        token = self.object.token
        if token is None:
            return _("None (the portal pushes)")
        # The prefix finds the token in the API tokens list; the text itself
        # was shown once and is not kept.
        return f"{token.display_prefix} · {token.status_label}"

    def get_revoked_at_display_value(self):
        return self.object.revoked_at or "—"

    def get_inbox_url_display_value(self):
        return self.object.inbox_url or "—"

    @property
    def header_more_buttons(self):
        buttons = _without_delete(super().header_more_buttons)
        if self.object.revoked_at:
            return [b for b in buttons if getattr(b, "icon_name", "") != "edit"]
        return [
            *buttons,
            Button(
                _("End early"),
                url=reverse("exchange_agreements:end", args=[self.object.pk]),
                icon_name="cross",
                priority=30,
            ),
        ]


class EndReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why does it end early?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=agreements.REASON_MAX,
        help_text=gettext_lazy(
            "Kept in the audit log. For example: “The partner asked to stop”, or “Token "
            "reported lost”."
        ),
    )


class EndAgreementView(_CoordinatorOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "exchange/admin/confirm_end.html"
    header_icon = "cross"
    page_title = gettext_lazy("End the agreement early")

    def load(self, pk):
        self.agreement = get_object_or_404(Agreement, pk=pk)

    def get_page_subtitle(self):
        return self.agreement.title

    def get(self, request, pk):
        if self.agreement.revoked_at:
            return self._already_ended()
        return self.render_to_response(self.get_context_data(form=EndReasonForm()))

    def post(self, request, pk):
        form = EndReasonForm(request.POST)
        if form.is_valid():
            try:
                agreements.end_agreement(
                    self.agreement, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                _add_errors(form, error)
            except ActionRefused:
                return self._already_ended()
            else:
                messages.success(
                    request,
                    _("The agreement “%(title)s” has ended. Nothing more is sent to the partner.")
                    % {"title": self.agreement.title},
                )
                return redirect("exchange_agreements:index")
        return self.render_to_response(self.get_context_data(form=form))

    def _already_ended(self):
        messages.info(self.request, _("This agreement has already been ended."))
        return redirect("exchange_agreements:index")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            agreement=self.agreement,
            index_url=reverse("exchange_agreements:index"),
            form_errors=kwargs["form"].errors.get(NON_FIELD_ERRORS),
        )
        return context


class AgreementViewSet(ModelViewSet):
    model = Agreement
    name = "exchange_agreements"
    url_prefix = "exchange/agreements"
    icon = "doc-full"
    menu_label = gettext_lazy("Agreements")
    add_to_reference_index = False
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = AgreementIndexView
    add_view_class = AgreementCreateView
    edit_view_class = AgreementEditView
    inspect_view_class = AgreementInspectView
    # The status next to the title: on a phone the columns after them scroll.
    list_display = [
        "title",
        Column("status_label", label=gettext_lazy("Status")),
        "partner",
        Column("tier", label=gettext_lazy("Tier"), accessor="get_tier_display"),
        Column("countries", label=gettext_lazy("Countries"), accessor=_countries_text),
        Column("years", label=gettext_lazy("Years"), accessor=_years_text),
        "starts_on",
        "ends_on",
        Column("delivery", label=gettext_lazy("Delivery"), accessor="get_delivery_display"),
    ]
    list_filter = ["partner", "tier", "delivery"]
    search_fields = ["title", "contact_name", "contact_email"]
    inspect_view_fields = [
        "title",
        "partner",
        "tier",
        "min_k",
        "countries",
        "year_from",
        "year_to",
        "starts_on",
        "ends_on",
        "contact_name",
        "contact_email",
        "delivery",
        "inbox_url",
        "token",
        "created_at",
        "created_by",
        "revoked_at",
    ]

    def get_form_class(self, for_update=False):
        return AgreementEditForm if for_update else AgreementCreateForm

    def get_urlpatterns(self):
        from django.urls import path

        return super().get_urlpatterns() + [
            path("end/<int:pk>/", EndAgreementView.as_view(), name="end"),
        ]


# --- Signing keys ---------------------------------------------------------------

KEY_STATUS = {
    "active": pgettext_lazy("signing key", "Signs new releases"),
    "retired": pgettext_lazy("signing key", "Retired (still verifies)"),
    "revoked": pgettext_lazy("signing key", "Revoked"),
}


def _fingerprint(key):
    return keys.fingerprint(key.public_key)


def _key_status(key):
    return KEY_STATUS[key.status]


class SigningKeyIndexView(generic.IndexView):
    @property
    def header_buttons(self):
        label = _("Rotate the key") if SigningKey.objects.active() else _("Create the signing key")
        return [HeaderButton(label, url=reverse("exchange_keys:rotate"), icon_name="rotate")]

    def get_list_more_buttons(self, instance):
        buttons = _without_delete(super().get_list_more_buttons(instance))
        if not instance.revoked_at:
            buttons.append(
                MenuItem(
                    _("Revoke"),
                    url=reverse("exchange_keys:revoke", args=[instance.pk]),
                    icon_name="cross",
                    priority=40,
                )
            )
        return buttons


class SigningKeyInspectView(generic.InspectView):
    def get_kid_display_value(self):
        return _fingerprint(self.object)

    def get_retired_at_display_value(self):
        return self.object.retired_at or "—"

    def get_revoked_at_display_value(self):
        return self.object.revoked_at or "—"

    def get_endorsed_by_display_value(self):
        return self.object.endorsed_by or "—"


class _KeyActionView(_CoordinatorOnly, WagtailAdminTemplateMixin, TemplateView):
    header_icon = "key"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["index_url"] = reverse("exchange_keys:index")
        return context

    def _unavailable(self, error):
        messages.error(
            self.request,
            _(
                "The current key's private half is missing on the server, so it cannot "
                "endorse a new key. Restore the keys folder from the backup, or revoke "
                "the key (partners then pin the new one again)."
            ),
        )
        return redirect("exchange_keys:index")


class RotateKeyView(_KeyActionView):
    template_name = "exchange/admin/confirm_rotate.html"
    page_title = gettext_lazy("Rotate the signing key")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["current"] = SigningKey.objects.active()
        return context

    def post(self, request):
        try:
            key = keys.rotate(actor=request.user)
        except keys.KeyUnavailable as error:
            return self._unavailable(error)
        messages.success(
            request,
            _("New releases are signed with the key %(fingerprint)s.")
            % {"fingerprint": _fingerprint(key)},
        )
        return redirect("exchange_keys:index")


class RevokeKeyView(_KeyActionView):
    template_name = "exchange/admin/confirm_revoke_key.html"
    page_title = gettext_lazy("Revoke the signing key")

    def load(self, pk):
        self.key = get_object_or_404(SigningKey, pk=pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(key=self.key, fingerprint=_fingerprint(self.key))
        return context

    def get(self, request, pk):
        if self.key.revoked_at:
            messages.info(request, _("This key is already revoked."))
            return redirect("exchange_keys:index")
        return super().get(request, pk)

    def post(self, request, pk):
        keys.revoke(self.key.kid, actor=request.user)
        messages.success(
            request,
            _(
                "The key %(fingerprint)s is revoked. Tell the partners to pin the new key "
                "(its fingerprint is in this list)."
            )
            % {"fingerprint": _fingerprint(self.key)},
        )
        return redirect("exchange_keys:index")


class SigningKeyViewSet(ModelViewSet):
    model = SigningKey
    name = "exchange_keys"
    url_prefix = "exchange/keys"
    icon = "key"
    menu_label = gettext_lazy("Signing keys")
    add_to_reference_index = False
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = SigningKeyIndexView
    inspect_view_class = SigningKeyInspectView
    list_display = [
        Column("kid", label=gettext_lazy("Fingerprint"), accessor=_fingerprint),
        Column("status", label=gettext_lazy("Status"), accessor=_key_status),
        "created_at",
        "retired_at",
        "revoked_at",
    ]
    inspect_view_fields = [
        "kid",
        "public_key",
        "created_at",
        "retired_at",
        "revoked_at",
        "endorsed_by",
    ]
    # Nothing to edit: keys are made, rotated and revoked by the actions.
    form_fields = []

    def get_urlpatterns(self):
        from django.urls import path

        return super().get_urlpatterns() + [
            path("rotate/", RotateKeyView.as_view(), name="rotate"),
            path("revoke/<int:pk>/", RevokeKeyView.as_view(), name="revoke"),
        ]


# --- What we receive ---------------------------------------------------------------


class _ReadOnlyIndexView(generic.IndexView):
    def get_list_more_buttons(self, instance):
        return _without_delete(super().get_list_more_buttons(instance))


class SubscriptionInspectView(generic.InspectView):
    def get_active_display_value(self):
        return _("Yes") if self.object.active else _("No")

    def get_trusted_keys_display_value(self):
        return (
            ", ".join(keys.fingerprint(x) for x in (self.object.trusted_keys or {}).values()) or "—"
        )

    def get_last_sync_at_display_value(self):
        return self.object.last_sync_at or "—"

    def get_last_error_display_value(self):
        return self.object.last_error or "—"


class SubscriptionViewSet(ModelViewSet):
    model = Subscription
    name = "exchange_subscriptions"
    url_prefix = "exchange/subscriptions"
    icon = "download"
    menu_label = gettext_lazy("Subscriptions")
    add_to_reference_index = False
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = _ReadOnlyIndexView
    inspect_view_class = SubscriptionInspectView
    list_display = [
        "name",
        "origin_url",
        YesNoColumn(Subscription, "active"),
        "last_sync_at",
        "cursor",
        "last_error",
    ]
    # Never the token: it is the credential we read the origin with.
    inspect_view_fields = [
        "name",
        "origin_url",
        "agreement_uid",
        "trusted_keys",
        "active",
        "cursor",
        "created_at",
        "last_sync_at",
        "last_error",
    ]
    form_fields = []


class ImportedReleaseInspectView(generic.InspectView):
    def get_withdrawn_at_display_value(self):
        return self.object.withdrawn_at or "—"

    def get_signer_kid_display_value(self):
        return " ".join(
            self.object.signer_kid[i : i + 4] for i in range(0, len(self.object.signer_kid), 4)
        )


class ImportedReleaseViewSet(ModelViewSet):
    model = ImportedRelease
    name = "exchange_imports"
    url_prefix = "exchange/imported-releases"
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Imported releases")
    add_to_reference_index = False
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = _ReadOnlyIndexView
    inspect_view_class = ImportedReleaseInspectView
    list_display = [
        "network",
        "organisation",
        "release_id",
        "version",
        Column("tier", label=gettext_lazy("Tier"), accessor="get_tier_display"),
        "published_at",
        "received_at",
        "withdrawn_at",
    ]
    list_filter = ["subscription"]
    inspect_view_fields = [
        "subscription",
        "origin",
        "organisation",
        "network",
        "release_id",
        "version",
        "tier",
        "published_at",
        "signer_kid",
        "digest",
        "received_at",
        "withdrawn_at",
    ]
    form_fields = []


# --- The release log and withdrawals -------------------------------------------------


class WithdrawReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is the release withdrawn?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=outgoing.MAX_REASON,
        help_text=gettext_lazy(
            "Partners receive it with the withdrawal, so no names and no case details. "
            "For example: “Records counted twice in one workspace”."
        ),
    )


class ReleaseEventIndexView(_ReadOnlyIndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.kind == EventKind.PUBLISHED and not outgoing.is_superseded(instance):
            buttons.append(
                MenuItem(
                    _("Withdraw from partners"),
                    url=reverse("exchange_releases:withdraw", args=[instance.release.number]),
                    icon_name="cross",
                    priority=40,
                )
            )
        return buttons


class WithdrawReleaseView(_CoordinatorOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "exchange/admin/confirm_withdraw.html"
    header_icon = "cross"
    page_title = gettext_lazy("Withdraw a release from partners")

    def load(self, number):
        from portal.reports.release_models import StatisticsRelease

        self.release = get_object_or_404(StatisticsRelease, number=number)

    def get_page_subtitle(self):
        return _("Release %(number)s") % {"number": self.release.number}

    def _withdrawn(self):
        event = outgoing.current_event(self.release)
        return event is not None and event.kind == EventKind.WITHDRAWN

    def _already(self):
        messages.info(self.request, _("This release has already been withdrawn."))
        return redirect("exchange_releases:index")

    def get(self, request, number):
        if self._withdrawn():
            return self._already()
        return self.render_to_response(self.get_context_data(form=WithdrawReasonForm()))

    def post(self, request, number):
        if self._withdrawn():
            return self._already()
        form = WithdrawReasonForm(request.POST)
        if form.is_valid():
            try:
                event = outgoing.withdraw(
                    self.release, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except ActionRefused as refused:
                form.add_error("reason", refused.message)
            else:
                messages.success(
                    request,
                    _(
                        "Release %(number)s is withdrawn (version %(version)s). Partners drop "
                        "it at their next sync; pushes are on their way."
                    )
                    % {"number": self.release.number, "version": event.version},
                )
                return redirect("exchange_releases:index")
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(release=self.release, index_url=reverse("exchange_releases:index"))
        return context


class ReleaseEventViewSet(ModelViewSet):
    model = ReleaseEvent
    name = "exchange_releases"
    url_prefix = "exchange/release-log"
    icon = "list-ul"
    menu_label = gettext_lazy("Release log")
    add_to_reference_index = False
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = ReleaseEventIndexView
    list_display = [
        # A field name first: Wagtail makes it the title column, with the row's actions.
        "release",
        "version",
        Column("kind", label=gettext_lazy("Event"), accessor="get_kind_display"),
        "at",
        "reason",
    ]
    list_filter = ["kind"]
    form_fields = []

    def get_queryset(self, request):
        return ReleaseEvent.objects.select_related("release").order_by("-id")

    def get_urlpatterns(self):
        from django.urls import path

        return super().get_urlpatterns() + [
            path("withdraw/<int:number>/", WithdrawReleaseView.as_view(), name="withdraw"),
        ]


class ExchangeViewSetGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Data exchange")
    menu_icon = "resubmit"
    menu_order = 260
    items = (
        AgreementViewSet,
        ReleaseEventViewSet,
        SigningKeyViewSet,
        SubscriptionViewSet,
        ImportedReleaseViewSet,
    )
