"""Wagtail admin for the office: organisations, workspaces, memberships and
the audit log (Network menu). Every membership and workspace change goes
through portal.members.permissions / lifecycle, so object permissions stay in
step with roles and the audit log records who did it."""

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from portal.core import audit_actions

from . import audit, lifecycle, retention, subject_requests
from .models import AuditEvent, Membership, Organisation, Role, SubjectRequest, Workspace
from .permissions import (
    PermissionChangeError,
    create_workspace,
    remove_membership,
    role_change_problem,
    set_membership,
)

ORGANISATION_FIELDS = [
    "name",
    "country",
    "city",
    "website",
    "contact_email",
    "contact_phone",
    "verified",
]


class YesNoColumn(Column):
    """A yes/no field as a word in the reader's language: Wagtail's own
    BooleanColumn names its icons "True" and "False" in English."""

    def __init__(self, model, name, **kwargs):
        kwargs.setdefault("label", capfirst(model._meta.get_field(name).verbose_name))
        kwargs.setdefault("sort_key", name)
        super().__init__(name, **kwargs)

    def get_value(self, instance):
        return _("Yes") if super().get_value(instance) else _("No")


def _active_people():
    return get_user_model().objects.filter(is_active=True).order_by("email")


# --- Organisations ------------------------------------------------------------


class OrganisationCreateView(generic.CreateView):
    def save_instance(self):
        organisation = self.form.save()
        audit.record(
            self.request.user,
            audit.ORGANISATION_CREATED,
            target=organisation,
            verified=organisation.verified,
        )
        return organisation


class OrganisationEditView(generic.EditView):
    def save_instance(self):
        changed = sorted(self.form.changed_data)
        organisation = self.form.save()
        if changed:
            audit.record(
                self.request.user,
                audit.ORGANISATION_CHANGED,
                target=organisation,
                fields=changed,
                verified=organisation.verified,
            )
        return organisation


class OrganisationDeleteView(generic.DeleteView):
    def delete_action(self):
        with transaction.atomic():
            audit.record(
                self.request.user,
                audit.ORGANISATION_DELETED,
                target=self.object,
            )
            self.object.delete()


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "site"
    menu_label = _("Organisations")
    form_fields = ORGANISATION_FIELDS
    list_display = ["name", "country", "city", YesNoColumn(Organisation, "verified")]
    list_filter = ["country", "verified"]
    search_fields = ["name", "city", "contact_email"]
    copy_view_enabled = False
    add_view_class = OrganisationCreateView
    edit_view_class = OrganisationEditView
    delete_view_class = OrganisationDeleteView

    def formfield_for_dbfield(self, db_field, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, **kwargs)


# --- Workspaces ---------------------------------------------------------------


class WorkspaceCreateForm(WagtailAdminModelForm):
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=get_user_model().objects.none(),
        help_text=_("The first owner: manages members and can transfer ownership later."),
    )

    class Meta:
        model = Workspace
        fields = ["slug", "name", "description", "organisation", "visibility"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _active_people()


class WorkspaceEditForm(WagtailAdminModelForm):
    archived = forms.BooleanField(
        label=_("Archived (read-only)"),
        required=False,
        help_text=_("Members can still read everything; nothing can be added or changed."),
    )
    legal_hold = forms.BooleanField(
        label=_("Legal hold"),
        required=False,
        help_text=_(
            "Nothing in this workspace is purged at the end of its retention period while "
            "the hold is on. Only network coordinators can change it."
        ),
    )

    class Meta:
        model = Workspace
        fields = ["name", "description", "organisation", "visibility"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["archived"].initial = bool(self.instance.archived_at)
        self.fields["legal_hold"].initial = self.instance.legal_hold
        self.acting_user = kwargs.get("for_user")

    def clean_legal_hold(self):
        held = self.cleaned_data["legal_hold"]
        if held != self.instance.legal_hold and not retention.can_set_legal_hold(self.acting_user):
            # Checked here too, so nothing else in the form is saved either.
            raise forms.ValidationError(_("Only network coordinators can change a legal hold."))
        return held


class WorkspaceCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return create_workspace(
            owner=data["owner"],
            actor=self.request.user,
            **{name: data[name] for name in WorkspaceCreateForm.Meta.fields},
        )


class WorkspaceEditView(generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        workspace = lifecycle.update_workspace(
            self.form.instance,
            actor=self.request.user,
            **{name: data[name] for name in WorkspaceEditForm.Meta.fields},
        )
        if data["archived"] and not workspace.is_archived:
            workspace = lifecycle.archive_workspace(workspace, actor=self.request.user)
        elif not data["archived"] and workspace.is_archived:
            workspace = lifecycle.restore_workspace(workspace, actor=self.request.user)
        if data["legal_hold"] != workspace.legal_hold:
            # Refuses anyone but a coordinator, whatever model permissions they hold.
            retention.set_legal_hold(self.request.user, workspace, data["legal_hold"])
        return workspace


class WorkspaceViewSet(ModelViewSet):
    model = Workspace
    icon = "folder-open-inverse"
    menu_label = _("Workspaces")
    # The hold as a column: a coordinator sees what the purge keeps without
    # opening each workspace.
    list_display = [
        "name",
        "slug",
        "organisation",
        "visibility",
        "archived_at",
        YesNoColumn(Workspace, "legal_hold"),
    ]
    list_filter = ["visibility", "organisation"]
    search_fields = ["name", "slug"]
    copy_view_enabled = False
    add_view_class = WorkspaceCreateView
    edit_view_class = WorkspaceEditView

    def get_form_class(self, for_update=False):
        return WorkspaceEditForm if for_update else WorkspaceCreateForm


# --- Memberships --------------------------------------------------------------


class MembershipCreateForm(WagtailAdminModelForm):
    class Meta:
        model = Membership
        fields = ["workspace", "user", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _active_people()


class MembershipEditForm(WagtailAdminModelForm):
    class Meta:
        model = Membership
        fields = ["role"]

    def clean_role(self):
        role = self.cleaned_data["role"]
        problem = role_change_problem(self.instance.workspace, self.instance.user, role)
        if problem:
            raise forms.ValidationError(problem)
        return role


class _PermissionErrorsAsMessages:
    """A race can still hit a rule the form checked (the last owner…): say so
    instead of failing."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except PermissionChangeError as exc:
            messages.error(self.request, str(exc))
            return redirect(self.index_url_name)


class MembershipCreateView(_PermissionErrorsAsMessages, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return set_membership(
            data["workspace"],
            data["user"],
            Role(data["role"]),
            actor=self.request.user,
            via="admin",
        )


class MembershipEditView(_PermissionErrorsAsMessages, generic.EditView):
    def save_instance(self):
        membership = self.form.instance
        return set_membership(
            membership.workspace,
            membership.user,
            Role(self.form.cleaned_data["role"]),
            actor=self.request.user,
            via="admin",
        )


class MembershipDeleteView(_PermissionErrorsAsMessages, generic.DeleteView):
    def delete_action(self):
        remove_membership(self.object.workspace, self.object.user, actor=self.request.user)


class MembershipViewSet(ModelViewSet):
    model = Membership
    icon = "group"
    menu_label = _("Memberships")
    list_display = ["user", "workspace", "role", "joined_at"]
    list_filter = ["workspace", "role"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "workspace__name"]
    copy_view_enabled = False
    add_view_class = MembershipCreateView
    edit_view_class = MembershipEditView
    delete_view_class = MembershipDeleteView

    def get_form_class(self, for_update=False):
        return MembershipEditForm if for_update else MembershipCreateForm


# --- Audit log (read only) ----------------------------------------------------


class AuditEventFilterSet(WagtailFilterSet):
    workspace = django_filters.ModelChoiceFilter(
        label=_("Workspace"), queryset=Workspace.objects.all(), field_name="workspace"
    )
    actor_email = django_filters.CharFilter(label=_("Who (email)"), lookup_expr="icontains")
    action = django_filters.ChoiceFilter(label=_("Action"), choices=audit_actions.choices)
    at = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)

    class Meta:
        model = AuditEvent
        fields = []


class AuditEventViewSet(ModelViewSet):
    model = AuditEvent
    icon = "list-ul"
    menu_label = _("Audit log")
    list_display = ["at", "actor_email", "action", "workspace_slug", "target_repr", "ip_address"]
    filterset_class = AuditEventFilterSet
    search_fields = ["actor_email", "target_repr", "workspace_slug"]
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    # Nothing to edit: the index and inspect views are all there is.
    form_fields = []


# --- Requests about personal data -----------------------------------------------


class SubjectRequestForm(WagtailAdminModelForm):
    class Meta:
        model = SubjectRequest
        fields = ["organisation", "kind", "received_at", "status", "refusal_reason", "action_taken"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None and not subject_requests.sees_all(for_user):
            self.fields["organisation"].queryset = Organisation.objects.filter(
                pk__in=subject_requests.organisations_handled_by(for_user)
            )

    def clean(self):
        cleaned = super().clean()
        for name in ("status", "refusal_reason", "action_taken", "received_at"):
            if name in cleaned:
                setattr(self.instance, name, cleaned[name])
        try:
            subject_requests.clean_texts(self.instance)
        except forms.ValidationError as error:
            for field, messages_ in error.message_dict.items():
                for message in messages_:
                    self.add_error(field, message)
        return cleaned


class _OwnRequestsOnly:
    """Another organisation's request answers 404, as if it did not exist."""

    def get_object(self, *args, **kwargs):
        found = super().get_object(*args, **kwargs)
        if not subject_requests.can_handle(self.request.user, found):
            raise Http404
        return found


class SubjectRequestIndexView(generic.IndexView):
    def get_base_queryset(self):
        # Overdue first: the list is where a coordinator looks for what is late.
        return subject_requests.visible_to(self.request.user).overdue_first()


class SubjectRequestCreateView(generic.CreateView):
    def save_instance(self):
        return subject_requests.save(self.form.instance, actor=self.request.user)


class SubjectRequestEditView(_OwnRequestsOnly, generic.EditView):
    def save_instance(self):
        return subject_requests.save(self.form.instance, actor=self.request.user)


class SubjectRequestHistoryView(_OwnRequestsOnly, generic.HistoryView):
    pass


class SubjectRequestUsageView(_OwnRequestsOnly, generic.UsageView):
    pass


class OverdueColumn(Column):
    def get_value(self, instance):
        return _("Overdue") if instance.is_overdue else ""


class SubjectRequestViewSet(ModelViewSet):
    model = SubjectRequest
    name = "subject_requests"
    icon = "help"
    menu_label = _("Requests about personal data")
    list_display = [
        "__str__",
        "organisation",
        "status",
        "due_at",
        OverdueColumn("overdue", label=_("Overdue")),
    ]
    list_filter = ["status", "kind"]
    copy_view_enabled = False
    index_view_class = SubjectRequestIndexView
    add_view_class = SubjectRequestCreateView
    edit_view_class = SubjectRequestEditView
    history_view_class = SubjectRequestHistoryView
    usage_view_class = SubjectRequestUsageView

    def get_form_class(self, for_update=False):
        return SubjectRequestForm


class NetworkViewSetGroup(ModelViewSetGroup):
    menu_label = _("Network")
    menu_icon = "group"
    menu_order = 250
    items = (
        OrganisationViewSet,
        WorkspaceViewSet,
        MembershipViewSet,
        AuditEventViewSet,
        SubjectRequestViewSet,
    )
