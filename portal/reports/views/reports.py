import math

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.core.case_actions import attach, case_actions
from portal.core.pagination import paginate
from portal.core.ratelimit import consume
from portal.members.access import workspace_view
from portal.members.files import StorageFailed, refuse_unreceived_upload
from portal.members.models.workspaces import PERM_CONTRIBUTE, PERM_VIEW

from .. import policy, services
from ..forms import AttachmentForm, CommentForm, ReportForm, ShareConfirmForm
from ..history import history_for
from ..models import (
    ChangeKind,
    MonitoringReport,
    ReportAttachment,
    ReportAudience,
    ReportComment,
    ReportStatus,
    ShareApprovalState,
)
from ..pii import describe
from ..policy import can_delete_comment, report_access, workspace_case_access
from ..sharing import sharing_reach
from ..summaries import record_count_text, report_totals
from .common import readable_report, render_in_workspace, report_in, workflow_redirect

CASES_PER_PAGE = 100


@workspace_view(PERM_VIEW)
def report_list(request, workspace):
    can_contribute = request.user.has_perm(f"members.{PERM_CONTRIBUTE}", workspace)
    reports = list(
        MonitoringReport.objects.filter(workspace=workspace)
        .select_related("workspace")
        .annotate(case_count=Count("cases"))
        .order_by("-period_end", "-pk")
    )
    # One answer for the whole list: the rule depends on the workspace only.
    access = workspace_case_access(request.user, workspace)
    for report in reports:
        report.case_count_text = record_count_text(report.case_count, access)
    return render_in_workspace(
        request,
        "reports/report_list.html",
        {
            "workspace": workspace,
            "reports": reports,
            "can_create": can_contribute and not workspace.is_archived,
            # Exporting reads: still possible in an archived workspace.
            "can_export": access.export_raw,
        },
    )


@workspace_view(PERM_CONTRIBUTE, write=True)
def report_create(request, workspace):
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report = services.create_report(workspace, actor=request.user, **form.changes())
        messages.success(request, _("The report was created as a draft."))
        return redirect(report)
    status = 400 if form.is_bound else 200
    return render_in_workspace(
        request,
        "reports/report_form.html",
        {"workspace": workspace, "form": form, "report": None},
        status=status,
    )


def _member_context(request, report, access, *, comment_form=None, attach_form=None):
    """What the report page shows to the workspace's own people."""
    comments = list(report.comments.select_related("author"))
    return {
        "base_template": "members/workspace_base.html",
        "comments": [(c, can_delete_comment(request.user, c, access)) for c in comments],
        "comment_form": comment_form or CommentForm(),
        "attachments": report.attachments.select_related("file__workspace", "attached_by"),
        "attach_form": attach_form
        or (AttachmentForm(workspace=report.workspace, report=report) if access.attach else None),
        "history": _history(report, access),
        "declined_share": _declined_share(report, access),
    }


# History lines that are about case records: a changed value ("Age band: 0–8 →
# 9–17") is part of a row, and counting "added" lines gives the exact total.
CASE_HISTORY = (
    ChangeKind.CASE_ADDED,
    ChangeKind.CASE_CHANGED,
    ChangeKind.CASE_DELETED,
    ChangeKind.IMPORTED,
)


def _history(report, access):
    history = history_for(report)
    if access.read_case_rows:
        return history
    return [line for line in history if line.change.kind not in CASE_HISTORY]


def _declined_share(report, access):
    """The office's last word, while it still applies (reviewed, not shared, not asked again)."""
    if (
        report.status != ReportStatus.REVIEWED
        or report.audience != ReportAudience.WORKSPACE
        or access.share_pending
    ):
        return None
    latest = report.share_approvals.first()
    return latest if latest is not None and latest.state == ShareApprovalState.DECLINED else None


def _detail_page(request, report, access, status=200, **forms):
    context = {"workspace": report.workspace, "report": report, "access": access}
    if access.member:
        context.update(_member_context(request, report, access, **forms))
    else:
        context["base_template"] = "base.html"
    if access.read_case_rows:
        cases = paginate(request, report.cases.order_by("pk"), CASES_PER_PAGE, fragment="cases")
        # Links other apps add to a row (referrals: "Refer this case").
        makers = case_actions(request.user, report)
        cases.object_list = attach(cases.object_list, makers)
        context["case_actions"] = bool(makers)
        context.update(cases_page=cases, case_count=cases.paginator.count)
    else:
        # Observers and network readers: totals under the small-cell rule.
        context["totals"] = report_totals(report, access)
    return render_in_workspace(request, "reports/report_detail.html", context, status=status)


@readable_report
def report_detail(request, report, access):
    services.record_view(report, user=request.user)
    return _detail_page(request, report, access)


@workspace_view(PERM_CONTRIBUTE, write=True)
@workflow_redirect
def report_edit(request, workspace, report_id):
    report = report_in(workspace, report_id)
    policy.require("edit", request.user, report)
    if request.method == "POST":
        form = ReportForm(request.POST, instance=report)
    elif request.GET.get("check"):
        # Sent here by a refused submission: show the guard's findings in place.
        form = ReportForm(_current_values(report), instance=report)
        form.is_valid()
    else:
        form = ReportForm(instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_report(
                report,
                actor=request.user,
                changes=form.changes(),
                revision=form.cleaned_data.get("revision"),
            )
        except services.StaleEdit as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(report)
    status = 400 if request.method == "POST" else 200
    return render_in_workspace(
        request,
        "reports/report_form.html",
        {"workspace": workspace, "form": form, "report": report},
        status=status,
    )


def _current_values(report):
    form = ReportForm(instance=report)
    values = {name: form[name].value() for name in ReportForm.Meta.fields}
    values["revision"] = report.revision
    return values


def _workflow_action(button, done_message):
    """The page's workflow buttons: ``button`` names the move (policy.move_for),
    the service asks the policy and the refusal is answered by workflow_redirect."""

    @workspace_view(policy.workspace_permission(button), write=True)
    @require_POST
    @workflow_redirect
    def action(request, workspace, report_id):
        report = report_in(workspace, report_id)
        try:
            services.transition(report, button, actor=request.user)
        except services.PersonalDataFound:
            messages.error(
                request,
                _(
                    "The report cannot be submitted: the text below looks like personal "
                    "data. Edit the report and remove it."
                ),
            )
            edit_url = reverse(
                "reports:edit", kwargs={"slug": workspace.slug, "report_id": report.pk}
            )
            return redirect(f"{edit_url}?check=1")
        messages.success(request, done_message)
        return redirect(report)

    return action


# Lazy: these are made when the module is imported, in whatever language is
# active then; each is translated when the message is stored, for its reader.
report_submit = _workflow_action("submit", gettext_lazy("The report was submitted for review."))
report_review = _workflow_action("review", gettext_lazy("The report is marked as reviewed."))
report_return = _workflow_action(
    "return", gettext_lazy("The report was returned to its authors as a draft.")
)
report_reopen = _workflow_action("reopen", gettext_lazy("The report was reopened as a draft."))


@workspace_view(policy.workspace_permission("share"), write=True)
@workflow_redirect
def report_share(request, workspace, report_id):
    """GET: what sharing makes visible, and to whom. POST with the box ticked:
    share (or ask the office, when it must approve). Nothing changes on GET or
    on a POST without the confirmation."""
    report = report_in(workspace, report_id)
    # The same decision the service takes on POST, so the page says why not.
    policy.require(policy.move_for("share", report).name, request.user, report)
    form = ShareConfirmForm(request.POST or None, report=report)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            outcome = consume("report.share", key=request.user.pk)
            if outcome.allowed:
                report = services.share_report(report, actor=request.user)
                if services.pending_share(report) is not None:
                    messages.success(
                        request,
                        _(
                            "The office has been asked to approve sharing. Until it does, "
                            "only this workspace sees the report."
                        ),
                    )
                else:
                    messages.success(
                        request, _("The report is now shared with the whole network (read-only).")
                    )
                return redirect(report)
            status = 429
            form.add_error(
                None,
                _(
                    "You have shared many reports in a short time. Nothing was shared: "
                    "try again in %(minutes)s minutes."
                )
                % {"minutes": max(1, math.ceil(outcome.retry_after / 60))},
            )
    response = render_in_workspace(
        request,
        "reports/report_share.html",
        {"workspace": workspace, "report": report, "form": form, "reach": sharing_reach(report)},
        status=status,
    )
    if status == 429:
        response["Retry-After"] = str(outcome.retry_after)
    return response


report_withdraw = _workflow_action(
    "withdraw", _("The report was withdrawn: only this workspace sees it now.")
)


@workspace_view(PERM_CONTRIBUTE, write=True)
@require_POST
def comment_add(request, workspace, report_id):
    report = report_in(workspace, report_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.add_comment(report, actor=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Your comment was added."))
        return redirect(f"{report.get_absolute_url()}#comments")
    # Show the report again with the comment as typed and what to fix.
    access = report_access(request.user, report)
    return _detail_page(request, report, access, status=400, comment_form=form)


@workspace_view(PERM_VIEW, write=True)
@require_POST
@workflow_redirect
def comment_delete(request, workspace, report_id, comment_id):
    report = report_in(workspace, report_id)
    comment = get_object_or_404(ReportComment, report=report, pk=comment_id)
    services.delete_comment(comment, actor=request.user)
    messages.success(request, _("The comment was removed."))
    return redirect(f"{report.get_absolute_url()}#comments")


@workspace_view(PERM_CONTRIBUTE, write=True)
@require_POST
@workflow_redirect
def attachment_add(request, workspace, report_id):
    report = report_in(workspace, report_id)
    policy.require("attach", request.user, report)
    form = AttachmentForm(request.POST, request.FILES, workspace=workspace, report=report)
    status = 400
    if refuse_unreceived_upload(form, request):
        status = 507
    elif form.is_valid():
        try:
            if form.cleaned_data["file"]:
                services.attach_upload(
                    report,
                    form.cleaned_data["file"],
                    actor=request.user,
                    description=form.cleaned_data["description"],
                )
            else:
                services.attach_file(report, form.cleaned_data["existing"], actor=request.user)
        except ValidationError as exc:  # refused by the workspace's file rules
            form.add_error("file", exc)
            if isinstance(exc, StorageFailed):
                status = 507  # the server could not keep it, the request was fine
        except services.PersonalDataFound as exc:
            for finding in exc.findings.get("file", []):
                form.add_error(
                    "file", _("The file name: %(problem)s") % {"problem": describe(finding)}
                )
        else:
            messages.success(request, _("The file is attached to the report."))
            return redirect(f"{report.get_absolute_url()}#attachments")
    access = report_access(request.user, report)
    return _detail_page(request, report, access, status=status, attach_form=form)


@workspace_view(PERM_CONTRIBUTE, write=True)
@require_POST
@workflow_redirect
def attachment_remove(request, workspace, report_id, attachment_id):
    report = report_in(workspace, report_id)
    attachment = get_object_or_404(ReportAttachment, report=report, pk=attachment_id)
    services.detach_file(attachment, actor=request.user)
    messages.success(
        request, _("The file was taken off the report; it stays in the workspace's files.")
    )
    return redirect(f"{report.get_absolute_url()}#attachments")
