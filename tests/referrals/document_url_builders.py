"""Builders for the members' permission matrix (tests/members): a referral's
document routes get a referral sent from the matrix's workspace (a citizen
of Kyrgyzstan, so data residency lets the installation keep documents and
"allowed" really uploads), and a document on it."""

import datetime

from portal.members.pdf import simple_pdf
from portal.referrals import documents, lifecycle
from tests.factories import OrganisationFactory, UserFactory, make_workspace, upload
from tests.members.url_builders import Built
from tests.reports.factories import add_cases, make_report
from tests.reports.url_builders import builder

PDF = simple_pdf(["Consent form"], title="Consent")


def _referral(ctx):
    from tests.referrals.builders import CONSENT_ALL, make_provider

    report = make_report(ctx.workspace, author=ctx.owner)
    (case,) = add_cases(report, citizenship="KG", gender="Female", age_band="18--20")
    organisation = OrganisationFactory(name="Matrix Shelter", country="KG", verified=True)
    receiving = make_workspace(
        owner=UserFactory(organisation=organisation),
        slug="matrix-shelter",
        name="Matrix shelter",
        organisation=organisation,
    )
    provider = make_provider(
        organisation=organisation,
        name="",
        services=["shelter"],
        accepts_referrals=True,
        receiving_workspace=receiving,
    )
    return lifecycle.send(
        ctx.owner,
        case,
        provider,
        lifecycle.Request(
            services=("shelter",),
            phase="first_assistance",
            urgency="urgent",
            needs="A safe place for a week.",
            data_categories=("profile",),
        ),
        lifecycle.Consent(date=datetime.date.today(), **CONSENT_ALL),
    )


@builder("workspace_referrals:document_upload")
def _upload(ctx):
    referral = _referral(ctx)
    return Built(
        {"referral_id": referral.pk},
        post={"title": "Consent form", "file": upload("consent.pdf", PDF, "application/pdf")},
    )


@builder("workspace_referrals:document_download")
def _download(ctx):
    referral = _referral(ctx)
    document = documents.upload(
        ctx.owner,
        referral,
        upload("consent.pdf", PDF, "application/pdf"),
        "Consent form",
        workspace=ctx.workspace,
    )
    return Built({"referral_id": referral.pk, "document_id": document.pk})
