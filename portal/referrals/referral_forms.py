"""The forms of a referral's pages. They check only the shape of what was
typed (a choice from the list, a real date); every rule (consent, the
personal-data guard, what the provider offers) is the lifecycle's, and its
``ValidationError`` lands on these forms' fields through ``add_errors``."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import lifecycle
from .models import Language, Service, ServiceProvider
from .vocabulary import (
    ConsentGiver,
    ConsentMethod,
    DataCategory,
    Outcome,
    Phase,
    Status,
    StepKind,
    Urgency,
)

NEVER_IDENTITY = _("No names, phone numbers, addresses or dates of birth: the portal refuses them.")


def _blank(choices):
    return [("", "—"), *choices]


def _text(label, *, required=False, help_text="", rows=4):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=lifecycle.MAX_TEXT,
    )


def add_errors(form, error):
    """The lifecycle's ``ValidationError`` on the form: each message on its
    field, or above the form when the form has no such field."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


def providers_for(workspace):
    """Providers a case of ``workspace`` can be referred to through the
    portal (``ServiceProvider.takes_referrals``), never the workspace itself."""
    return (
        ServiceProvider.objects.active()
        .filter(
            accepts_referrals=True,
            organisation__isnull=False,
            receiving_workspace__isnull=False,
            receiving_workspace__archived_at__isnull=True,
        )
        .filter(~Q(receiving_workspace=workspace))
        .select_related("organisation")
        .order_by("country", "name", "organisation__name")
    )


class ProviderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, provider):
        place = ", ".join(part for part in (provider.city, provider.get_country_display()) if part)
        return f"{provider.display_name} ({place})" if place else provider.display_name


class RequestForm(forms.Form):
    """What is asked of the provider: the part the sender may change until
    the recipient answers."""

    services = forms.MultipleChoiceField(
        label=_("Services needed"),
        choices=Service.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    phase = forms.ChoiceField(
        label=_("Phase of the referral mechanism (TRM)"), choices=_blank(Phase.choices)
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, widget=forms.RadioSelect
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages the person needs"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    needs = _text(_("What the person needs"), required=True, help_text=NEVER_IDENTITY, rows=5)
    sender_contact = _text(
        _("How to reach me"),
        help_text=_(
            "Office hours or the channel to use. Your name, your account's email and "
            "your organisation's public contacts are shown to the recipient anyway."
        ),
        rows=2,
    )

    def request(self, data_categories=()):
        data = self.cleaned_data
        return lifecycle.Request(
            services=tuple(data["services"]),
            phase=data["phase"],
            urgency=data["urgency"],
            languages=tuple(data.get("languages") or ()),
            needs=data.get("needs", ""),
            sender_contact=data.get("sender_contact", ""),
            data_categories=tuple(data_categories),
        )

    @classmethod
    def initial_for(cls, referral):
        return {name: getattr(referral, name) for name in lifecycle.EDITABLE}


class ReferralForm(RequestForm):
    """A new referral from a case record: the provider, what is asked, which
    coded data passes, and the person's consent (or a written override)."""

    field_order = ["provider"]

    provider = ProviderChoiceField(
        label=_("Refer to"),
        queryset=ServiceProvider.objects.none(),
        empty_label="—",
        help_text=_("Member organisations that take referrals through the portal."),
    )
    data_categories = forms.MultipleChoiceField(
        label=_("Case data to pass"),
        choices=DataCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Coded data only. Names and contacts travel outside the portal."),
    )
    consent_given = forms.BooleanField(
        label=_("The person gave consent to this referral"), required=False
    )
    consent_given_by = forms.ChoiceField(
        label=_("Consent given by"), choices=_blank(ConsentGiver.choices), required=False
    )
    consent_date = forms.DateField(
        label=_("Consent given on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    consent_method = forms.ChoiceField(
        label=_("How consent was obtained"), choices=_blank(ConsentMethod.choices), required=False
    )
    consent_services = forms.MultipleChoiceField(
        label=_("Consent covers these services"),
        choices=Service.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_data = forms.MultipleChoiceField(
        label=_("Consent covers passing this data"),
        choices=DataCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    override_reason = _text(
        _("Without consent: why the referral cannot wait"),
        help_text=_(
            "Only when consent cannot be obtained, for example a child at immediate risk. "
            "The reason is shown to the recipient and kept in the audit log."
        ),
        rows=3,
    )

    REQUEST_FIELDS = (
        "provider",
        "services",
        "phase",
        "urgency",
        "languages",
        "needs",
        "sender_contact",
        "data_categories",
    )
    CONSENT_FIELDS = (
        "consent_given",
        "consent_given_by",
        "consent_date",
        "consent_method",
        "consent_services",
        "consent_data",
        "override_reason",
    )

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers_for(workspace)

    def request_fields(self):
        return [self[name] for name in self.REQUEST_FIELDS]

    def consent_fields(self):
        return [self[name] for name in self.CONSENT_FIELDS]

    def consent(self):
        data = self.cleaned_data
        return lifecycle.Consent(
            given=bool(data.get("consent_given")),
            given_by=data.get("consent_given_by", ""),
            date=data.get("consent_date"),
            method=data.get("consent_method", ""),
            services=tuple(data.get("consent_services") or ()),
            data=tuple(data.get("consent_data") or ()),
            override_reason=data.get("override_reason", ""),
        )

    def send(self, actor, case):
        """The referral, or the lifecycle's refusal on the fields (None)."""
        try:
            return lifecycle.send(
                actor,
                case,
                self.cleaned_data["provider"],
                self.request(self.cleaned_data.get("data_categories") or ()),
                self.consent(),
            )
        except ValidationError as error:
            add_errors(self, error)
            return None


class ReasonForm(forms.Form):
    reason = _text(_("Reason"), required=True, help_text=NEVER_IDENTITY, rows=3)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=_blank(Outcome.choices))
    note = _text(_("Outcome in words"), help_text=NEVER_IDENTITY, rows=3)


class MessageForm(forms.Form):
    body = _text(_("Message"), required=True, help_text=NEVER_IDENTITY, rows=3)


class StepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Step"), choices=_blank(StepKind.choices))
    service = forms.ChoiceField(
        label=_("Service provided"), choices=_blank(Service.choices), required=False
    )
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = _text(_("What was done and its outcome"), help_text=NEVER_IDENTITY, rows=3)


class ListFilterForm(forms.Form):
    """The GET filters of the referrals list. A value not in the list is an
    error the page names (400), never a 500."""

    DIRECTIONS = [("", _("Sent and received")), ("sent", _("Sent")), ("received", _("Received"))]

    direction = forms.ChoiceField(label=_("Direction"), choices=DIRECTIONS, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Status.choices], required=False
    )
