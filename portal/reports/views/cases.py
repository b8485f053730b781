from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.core.countries import country_choices
from portal.members.access import workspace_view
from portal.members.models.workspaces import PERM_CONTRIBUTE

from .. import policy, services
from .. import vocabulary as vocab
from ..exchange import to_csv
from ..forms import CaseRecordForm, ImportForm
from ..imports import IMPORTABLE_COLUMNS, ImportFileError, parse_cases
from ..models import CaseRecord
from ..policy import report_access
from .common import render_in_workspace, report_in, workflow_redirect

# How many row problems the import page lists; the rest are counted.
MAX_ERRORS_SHOWN = 200


def _report_with_rows(request, workspace, report_id):
    """The report, if the policy lets this person read its case rows: these
    pages show a row (the edit form, the deletion question) or write them."""
    report = report_in(workspace, report_id)
    if not report_access(request.user, report).read_case_rows:
        raise PermissionDenied(_("Case records are open to members who work on the data."))
    return report


def _require_draft(request, report):
    # Before the form: the page says why, the service would refuse the same.
    policy.require("change_cases", request.user, report)


@workspace_view(PERM_CONTRIBUTE, write=True)
@workflow_redirect
def case_create(request, workspace, report_id):
    report = _report_with_rows(request, workspace, report_id)
    _require_draft(request, report)
    form = CaseRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_case(report, actor=request.user, values=form.values())
        messages.success(request, _("The case record was added."))
        if "add_another" in request.POST:
            return redirect("reports:case_create", slug=workspace.slug, report_id=report.pk)
        return redirect(f"{report.get_absolute_url()}#cases")
    return render_in_workspace(
        request,
        "reports/case_form.html",
        {"workspace": workspace, "report": report, "form": form, "record": None},
        status=400 if form.is_bound else 200,
    )


@workspace_view(PERM_CONTRIBUTE, write=True)
@workflow_redirect
def case_edit(request, workspace, report_id, case_id):
    report = _report_with_rows(request, workspace, report_id)
    record = get_object_or_404(CaseRecord, report=report, pk=case_id)
    _require_draft(request, report)
    form = CaseRecordForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        services.update_case(record, actor=request.user, values=form.values())
        messages.success(request, _("The case record was saved."))
        return redirect(f"{report.get_absolute_url()}#cases")
    return render_in_workspace(
        request,
        "reports/case_form.html",
        {"workspace": workspace, "report": report, "form": form, "record": record},
        status=400 if form.is_bound else 200,
    )


@workspace_view(PERM_CONTRIBUTE, write=True)
@workflow_redirect
def case_delete(request, workspace, report_id, case_id):
    report = _report_with_rows(request, workspace, report_id)
    record = get_object_or_404(CaseRecord, report=report, pk=case_id)
    _require_draft(request, report)
    if request.method == "POST":
        services.delete_case(record, actor=request.user)
        messages.success(request, _("The case record was deleted."))
        return redirect(f"{report.get_absolute_url()}#cases")
    return render_in_workspace(
        request,
        "reports/case_confirm_delete.html",
        {"workspace": workspace, "report": report, "record": record},
    )


def vocabulary_reference():
    """What the import page lists: every column and the values it accepts. A
    coded value comes with its meaning in the reader's language: the codes are
    CTDC's English identifiers, which a Russian reader cannot be expected to
    decode ("ClosedReferred")."""

    def codes(choices, *, with_labels=True):
        return [(value, label if with_labels else "") for value, label in choices.choices]

    coded = [
        (
            vocab.YEAR,
            _("a year from %(first)s on") % {"first": vocab.FIRST_REGISTRATION_YEAR},
            (),
        ),
        (vocab.GENDER, "", codes(vocab.Gender)),
        # The band's label is the band itself (0–8): the code says it all.
        (vocab.AGE, "", codes(vocab.AgeBand, with_labels=False)),
        (vocab.CITIZENSHIP, _("ISO 3166 two-letter code, for example KG, UZ, TJ"), ()),
        (vocab.COUNTRY, _("ISO 3166 two-letter code, for example RU, KZ, TR"), ()),
        (vocab.CASE_STATUS, "", codes(vocab.CaseStatus)),
        (vocab.REFERRED_TO, "", codes(vocab.ReferredTo)),
    ]
    return {"coded": coded, "groups": vocab.FLAG_GROUPS, "countries": country_choices()}


@workspace_view(PERM_CONTRIBUTE, write=True)
@workflow_redirect
def case_import(request, workspace, report_id):
    report = _report_with_rows(request, workspace, report_id)
    if request.GET.get("template") == "csv":
        response = HttpResponse(
            to_csv([], IMPORTABLE_COLUMNS), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="case-records-template.csv"'
        return response
    _require_draft(request, report)
    context = {
        "workspace": workspace,
        "report": report,
        "reference": vocabulary_reference(),
        "max_errors": MAX_ERRORS_SHOWN,
    }
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > settings.PORTAL_IMPORT_MAX_BYTES:
                    # Refuse before reading it into memory.
                    raise ImportFileError(
                        _("The file is too large: files up to %(limit)s MB can be imported.")
                        % {"limit": round(settings.PORTAL_IMPORT_MAX_BYTES / 1_048_576, 1)},
                        status=413,
                    )
                parsed = parse_cases(upload.read(), upload.name)
            except ImportFileError as exc:
                form.add_error("file", exc.message)
                status = exc.status
            else:
                if parsed.ok:
                    total = services.import_cases(
                        report,
                        parsed.records,
                        actor=request.user,
                        file_format=parsed.file_format,
                        replace=form.cleaned_data["replace"],
                    )
                    count = len(parsed.records)
                    # Two sentences, each with its own count, so each gets the right plural.
                    imported = ngettext(
                        "%(count)s case record was imported.",
                        "%(count)s case records were imported.",
                        count,
                    ) % {"count": count}
                    now_total = ngettext(
                        "The report now has %(total)s case record.",
                        "The report now has %(total)s case records.",
                        total,
                    ) % {"total": total}
                    messages.success(request, f"{imported} {now_total}")
                    return redirect(f"{report.get_absolute_url()}#cases")
                status = 422
                context.update(
                    errors=parsed.errors[:MAX_ERRORS_SHOWN],
                    error_count=len(parsed.errors),
                    rows_with_errors=len({e.row for e in parsed.errors}),
                    ignored_columns=parsed.ignored_columns,
                )
    context["form"] = form
    return render_in_workspace(request, "reports/case_import.html", context, status=status)
