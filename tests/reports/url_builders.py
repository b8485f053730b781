"""Builders for the members' permission matrix (tests/members): every report URL
under /workspaces/<slug>/reports/ with ids gets the object it needs, in the
state where the action is possible, so "allowed" really acts and "refused"
really has something to refuse."""

import functools

from portal.reports import services
from portal.reports.models import ReportComment
from tests.factories import make_file, upload
from tests.members.url_builders import Built
from tests.members.url_builders import builder as members_builder
from tests.reports.factories import add_cases, make_report

CSV = (
    b"yearOfRegistration,gender,ageBroad,citizenship,CountryOfExploitation,isForcedLabour\n"
    b"2023,Male,24--26,KG,RU,1\n"
)


def builder(url_name):
    """Registers a builder that makes its objects as they were before the
    matrix archived the workspace: the services refuse writes to an archived
    workspace, and the matrix asks what an archived workspace's reports allow."""

    def register(function):
        @functools.wraps(function)
        def build(ctx):
            archived_at = ctx.workspace.archived_at
            if archived_at is not None:
                ctx.workspace.archived_at = None
                ctx.workspace.save(update_fields=["archived_at"])
            try:
                return function(ctx)
            finally:
                if archived_at is not None:
                    ctx.workspace.archived_at = archived_at
                    ctx.workspace.save(update_fields=["archived_at"])

        return members_builder(url_name)(build)

    return register


def _report(ctx, **kwargs):
    return make_report(ctx.workspace, author=ctx.owner, **kwargs)


def _report_form(report):
    return {
        "title": "Changed by the permission matrix",
        "period_start": "2024-01-01",
        "period_end": "2024-03-31",
        "country": "KG",
        "region": "Osh",
        "summary": "Changed by the permission matrix",
        "revision": report.revision,
    }


@builder("reports:detail")
@builder("reports:submit")
@builder("reports:comment_add")
@builder("reports:case_create")
def _draft(ctx):
    # A workspace-only report: network members outside the workspace must get 404
    # like everyone else outside it (shared reports are tested in tests/reports).
    return Built({"report_id": _report(ctx).pk})


@builder("reports:edit")
def _edit(ctx):
    report = _report(ctx)
    return Built({"report_id": report.pk}, post=_report_form(report))


@builder("reports:review")
@builder("reports:return")
def _submitted(ctx):
    return Built({"report_id": _report(ctx, status="submitted").pk})


@builder("reports:reopen")
@builder("reports:share")
def _reviewed(ctx):
    return Built({"report_id": _report(ctx, status="reviewed").pk})


@builder("reports:withdraw")
def _shared(ctx):
    return Built({"report_id": _report(ctx, audience="network").pk})


@builder("reports:comment_delete")
def _comment(ctx):
    report = _report(ctx)
    comment = services.add_comment(report, actor=ctx.owner, body="A matrix comment.")
    # Written by the person asking (authors may take back their words whatever
    # their role now), which the services allow only to contributors.
    ReportComment.objects.filter(pk=comment.pk).update(author=ctx.actor, author_name=str(ctx.actor))
    return Built({"report_id": report.pk, "comment_id": comment.pk})


@builder("reports:case_edit")
@builder("reports:case_delete")
def _case(ctx):
    report = _report(ctx)
    [record] = add_cases(report)
    return Built({"report_id": report.pk, "case_id": record.pk})


@builder("reports:import")
def _import(ctx):
    return Built(
        {"report_id": _report(ctx).pk}, post={"file": upload("cases.csv", CSV, "text/csv")}
    )


@builder("reports:attachment_add")
def _attach(ctx):
    return Built({"report_id": _report(ctx).pk}, post={"file": upload("matrix.txt", b"matrix\n")})


@builder("reports:attachment_remove")
def _attachment(ctx):
    report = _report(ctx)
    attachment = services.attach_file(report, make_file(ctx.workspace), actor=ctx.owner)
    return Built({"report_id": report.pk, "attachment_id": attachment.pk})


@builder("reports:export_download")
def _export(ctx):
    return Built({"variant": "records", "fmt": "csv"})
