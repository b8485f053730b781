from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from portal.core import audit_actions

from .files import ALLOWED_DESCRIPTION, ALLOWED_EXTENSIONS, max_upload_bytes
from .models import (
    Comment,
    Discussion,
    Frequency,
    JoinRequest,
    Membership,
    Role,
    Workspace,
)


class DiscussionForm(forms.ModelForm):
    class Meta:
        model = Discussion
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        error_messages={"required": _("Choose a file to upload.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=500,
        required=False,
        help_text=_("Visible to workspace members only. Never name or describe a victim here."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_mb = max_upload_bytes() // (1024 * 1024)
        self.fields["file"].help_text = _("Allowed: %(types)s. At most %(mb)s MB.") % {
            "types": ALLOWED_DESCRIPTION,
            "mb": limit_mb,
        }
        self.fields["file"].widget.attrs["accept"] = ",".join(
            f".{ext}" for ext in ALLOWED_EXTENSIONS
        )


def _role_field(roles, initial=Role.MEMBER):
    return forms.ChoiceField(
        label=_("Role"),
        choices=[(r.value, r.label) for r in roles],
        initial=initial if initial in roles else (roles[-1] if roles else None),
        help_text=_(
            "Observers read; members also post and upload; managers also moderate and "
            "let people in."
        ),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        # The column's length: a longer address would fail in the database.
        max_length=254,
        help_text=_("The invitation link is sent here and works only for this address."),
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"] = _role_field(roles)


class RoleForm(forms.Form):
    def __init__(self, *args, roles, initial_role=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"] = _role_field(roles, initial_role)


class JoinDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("decline", _("Decline"))],
        error_messages={"required": _("Choose approve or decline.")},
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"] = _role_field(roles)
        self.fields["role"].required = False


class TransferForm(forms.Form):
    new_owner = forms.ModelChoiceField(
        label=_("New owner"),
        queryset=get_user_model().objects.none(),
        empty_label=_("Choose a member"),
        help_text=_("You will stay in the workspace as a manager."),
    )

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        # A subquery, not exclude() across the relation: that would also drop
        # members of this workspace who own some other workspace.
        owners_here = Membership.objects.filter(workspace=workspace, role=Role.OWNER)
        self.fields["new_owner"].queryset = (
            get_user_model()
            .objects.filter(memberships__workspace=workspace)
            .exclude(pk__in=owners_here.values("user_id"))
            .order_by("first_name", "last_name", "email")
        )


class WorkspaceSettingsForm(forms.ModelForm):
    class Meta:
        model = Workspace
        fields = ["name", "description", "visibility"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "visibility": forms.RadioSelect,
        }


class JoinRequestForm(forms.ModelForm):
    class Meta:
        model = JoinRequest
        fields = ["message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}


class NotificationPreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Email me about new discussions and comments"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Emails name the workspace and the discussion and link to it; you sign in to "
            "read. Invitations are always sent at once."
        ),
    )


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Who (email)"), required=False, max_length=254)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *audit_actions.choices()]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("“From” must not be after “To”."))
        return data

    def filter(self, events):
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data["actor"]:
            events = events.filter(actor_email__icontains=data["actor"].strip())
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["date_from"]:
            events = events.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            events = events.filter(at__date__lte=data["date_to"])
        return events
