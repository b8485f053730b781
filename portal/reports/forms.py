from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from portal.core.countries import country_choices

from . import pii
from . import vocabulary as vocab
from .models import CaseRecord, MonitoringReport


def guard(text):
    """Form-field check: refuse text that looks like personal data, saying where."""
    findings = pii.scan(text or "")
    if findings:
        raise ValidationError([pii.describe(finding) for finding in findings], code="personal_data")
    return text


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ReportForm(forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = MonitoringReport
        fields = ["title", "period_start", "period_end", "country", "region", "summary"]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 14}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["revision"] = self.instance.revision

    def clean_title(self):
        return guard(self.cleaned_data["title"])

    def clean_region(self):
        return guard(self.cleaned_data["region"])

    def clean_summary(self):
        return guard(self.cleaned_data["summary"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return cleaned

    def changes(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def _country_field(label):
    return forms.ChoiceField(
        label=label,
        # A callable: sorted by name in the language of each request.
        choices=lambda: [("", _("Unknown")), *country_choices()],
        required=False,
    )


class CaseRecordForm(forms.ModelForm):
    """Codes, a year and checkboxes: there is no place for free text."""

    year_of_registration = forms.IntegerField(
        label=vocab.YEAR.label,
        validators=[MinValueValidator(vocab.FIRST_REGISTRATION_YEAR)],
    )
    citizenship = _country_field(vocab.CITIZENSHIP.label)
    country_of_exploitation = _country_field(vocab.COUNTRY.label)

    class Meta:
        model = CaseRecord
        fields = [c.field for c in vocab.CODED_COLUMNS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        last = vocab.last_registration_year()
        self.fields["year_of_registration"].validators.append(MaxValueValidator(last))
        self.fields["year_of_registration"].widget.attrs.update(
            {"min": vocab.FIRST_REGISTRATION_YEAR, "max": last}
        )
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("year_of_registration", last)
        self.fields["age_band"].choices = [("", _("Unknown"))] + list(vocab.AgeBand.choices)
        self.fields["case_status"].choices = [("", _("Not recorded"))] + list(
            vocab.CaseStatus.choices
        )
        self.fields["referred_to"].choices = [("", _("Not referred"))] + list(
            vocab.ReferredTo.choices
        )
        for group in vocab.FLAG_GROUPS:
            self.fields[group.key] = forms.MultipleChoiceField(
                label=group.label,
                choices=group.choices.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
            if self.instance.pk and not self.is_bound:
                self.initial[group.key] = self.instance.flags(group)

    def flag_fields(self):
        return [self[group.key] for group in vocab.FLAG_GROUPS]

    def coded_fields(self):
        return [self[c.field] for c in vocab.CODED_COLUMNS]

    def values(self):
        """Model field -> value, ready for services.add_case / update_case."""
        values = {c.field: self.cleaned_data[c.field] for c in vocab.CODED_COLUMNS}
        for group in vocab.FLAG_GROUPS:
            chosen = set(self.cleaned_data.get(group.key) or ())
            for column, field in zip(group.columns, group.fields, strict=True):
                values[field] = column in chosen
        return values


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("Seen by the members of this workspace. No personal data."),
    )

    def clean_body(self):
        return guard(self.cleaned_data["body"])


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel (.xlsx) file"),
        help_text=_("First row: the column names listed below. One row per person."),
    )
    replace = forms.BooleanField(
        label=_("Replace the case records already in this report"),
        required=False,
    )


class AttachmentForm(forms.Form):
    """Attach a new upload, or a file already among the workspace's files."""

    file = forms.FileField(label=_("Upload a file"), required=False)
    description = forms.CharField(
        label=_("Description"),
        max_length=500,
        required=False,
        help_text=_("Seen by the members of this workspace. No personal data."),
    )
    existing = forms.ModelChoiceField(
        label=_("or attach a file already in the workspace"),
        queryset=None,
        required=False,
    )

    def __init__(self, *args, workspace, report, **kwargs):
        super().__init__(*args, **kwargs)
        from portal.members.models import WorkspaceFile

        self.fields["existing"].queryset = WorkspaceFile.objects.filter(
            workspace=workspace
        ).exclude(report_attachments__report=report)

    def clean_description(self):
        return guard(self.cleaned_data["description"])

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("file")) == bool(cleaned.get("existing")):
            raise ValidationError(
                _("Choose a file to upload, or a file already in the workspace (one of the two).")
            )
        return cleaned


class ShareConfirmForm(forms.Form):
    """Sharing is confirmed on a page that says what becomes visible to whom;
    ``revision`` ties the confirmation to the report as it was shown."""

    confirm = forms.BooleanField(
        label=_("I have read what sharing makes visible, and to whom."),
        error_messages={"required": _("Tick the box to confirm, or go back to the report.")},
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.fields["revision"].initial = report.revision

    def clean_revision(self):
        revision = self.cleaned_data["revision"]
        if revision != self.report.revision:
            raise ValidationError(
                _("The report changed since this page was opened: check the numbers again.")
            )
        return revision


class DeclineShareForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the office declines"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The members of the report's workspace read this. No personal data."),
    )

    def clean_reason(self):
        return guard(self.cleaned_data["reason"])
