"""A referral's documents: both sides upload and download them; data
residency refuses them where the person's identifiable data may not be held
(a citizen of Uzbekistan on an installation in Kyrgyzstan); nobody else gets
them, by any address; a disguised file is refused; nothing is public."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.members.models import AuditEvent
from portal.members.pdf import simple_pdf
from portal.referrals import documents, lifecycle
from portal.referrals.models import ReferralDocument
from portal.referrals.residency import may_hold_identifiable
from tests.factories import upload
from tests.referrals.builders import send_referral

pytestmark = pytest.mark.django_db

PDF = simple_pdf(["Consent form, signed"], title="Consent")
RESIDENCY = "their identifiable data may be held only by an installation in Uzbekistan"


@pytest.fixture(autouse=True)
def private_media(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def referral(world):
    """Osh refers a citizen of Uzbekistan (the world's case) to Andijan."""
    return send_referral(world)


@pytest.fixture
def in_uzbekistan(settings):
    settings.PORTAL_INSTALLATION_COUNTRY = "UZ"


def pdf(name="consent-Dilnoza-Karimova.pdf", content=PDF):
    return upload(name, content, "application/pdf")


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def upload_url(workspace, referral):
    return reverse(
        "workspace_referrals:document_upload",
        kwargs={"slug": workspace.slug, "referral_id": referral.pk},
    )


def download_url(workspace, referral, document):
    return reverse(
        "workspace_referrals:document_download",
        kwargs={"slug": workspace.slug, "referral_id": referral.pk, "document_id": document.pk},
    )


def detail_url(workspace, referral):
    return reverse(
        "workspace_referrals:detail", kwargs={"slug": workspace.slug, "referral_id": referral.pk}
    )


def post_document(user, workspace, referral, title="Consent form", file=None):
    return signed_in(user).post(
        upload_url(workspace, referral), {"title": title, "file": file or pdf()}
    )


def stored(world, referral, user=None, workspace=None):
    """A document kept through the service, on an installation allowed to hold it."""
    from django.test import override_settings

    with override_settings(PORTAL_INSTALLATION_COUNTRY="UZ"):
        return documents.upload(
            user or world["osh_member"],
            referral,
            pdf(),
            "Consent form",
            workspace=workspace or world["osh"],
        )


def events(action):
    return AuditEvent.objects.filter(action=action)


# Both sides ----------------------------------------------------------------


def test_the_sender_uploads_and_both_sides_download_on_the_record(
    world, referral, in_uzbekistan, private_media
):
    response = post_document(world["osh_member"], world["osh"], referral)
    assert response.status_code == 302
    assert response.url == detail_url(world["osh"], referral) + "#documents"
    document = ReferralDocument.objects.get(referral=referral)
    assert document.title == "Consent form"
    assert document.uploaded_in == world["osh"]
    # Kept privately, under a name that carries nothing of the uploaded one.
    assert (private_media / document.file.name).read_bytes() == PDF
    assert "Dilnoza" not in document.file.name and "consent" not in document.file.name
    uploaded = events("referrals.document_uploaded")
    assert {e.workspace for e in uploaded} == {world["osh"], world["andijan"]}
    assert {e.details["referral"] for e in uploaded} == {referral.reference}

    for user, workspace in (
        (world["andijan_member"], world["andijan"]),
        (world["osh_owner"], world["osh"]),
    ):
        got = signed_in(user).get(download_url(workspace, referral, document))
        assert got.status_code == 200
        assert b"".join(got.streaming_content) == PDF
        disposition = got["Content-Disposition"]
        assert disposition.startswith("attachment")
        assert f"{referral.reference}-document-{document.pk}.pdf" in disposition
        assert "Dilnoza" not in disposition and "Consent" not in disposition
        assert got["X-Content-Type-Options"] == "nosniff"
        assert got["Cache-Control"] == "private, no-store"
        assert "sandbox" in got["Content-Security-Policy"]
    downloads = events("referrals.document_downloaded")
    assert downloads.count() == 4  # two downloads, each in both sides' logs
    assert {e.actor for e in downloads} == {world["andijan_member"], world["osh_owner"]}


def test_the_recipient_uploads_too_and_the_page_lists_it_for_both(world, referral, in_uzbekistan):
    lifecycle.accept(world["andijan_manager"], referral)
    response = post_document(world["andijan_manager"], world["andijan"], referral, "Medical note")
    assert response.status_code == 302
    document = ReferralDocument.objects.get(referral=referral)
    assert document.uploaded_in == world["andijan"]
    page = signed_in(world["osh_member"]).get(detail_url(world["osh"], referral))
    body = page.content.decode()
    assert "Medical note" in body
    assert download_url(world["osh"], referral, document) in body
    # The sender's page offers the form too (the referral is open, residency allows).
    assert upload_url(world["osh"], referral) in body


# Data residency --------------------------------------------------------------


def test_residency_refuses_a_uzbek_citizens_document_on_a_kyrgyz_installation(
    world, referral, settings, private_media
):
    settings.PORTAL_INSTALLATION_COUNTRY = "KG"
    response = post_document(world["osh_member"], world["osh"], referral)
    assert response.status_code == 403
    body = response.content.decode()
    assert RESIDENCY in body
    assert "out of band" in body
    assert not ReferralDocument.objects.exists()
    assert not private_media.exists() or not any(p.is_file() for p in private_media.rglob("*"))
    refused = events("referrals.document_refused")
    assert {e.workspace for e in refused} == {world["osh"], world["andijan"]}
    assert {e.details["citizenship"] for e in refused} == {"UZ"}  # the profile was passed
    assert not events("referrals.document_uploaded").exists()


def test_the_page_says_why_there_is_no_upload_form_and_what_to_do(world, referral, settings):
    settings.PORTAL_INSTALLATION_COUNTRY = "KG"
    body = signed_in(world["andijan_member"]).get(detail_url(world["andijan"], referral))
    text = body.content.decode()
    assert RESIDENCY in text and "out of band" in text
    assert upload_url(world["andijan"], referral) not in text


def test_the_recipients_log_names_the_citizenship_only_if_it_was_passed(world, settings):
    settings.PORTAL_INSTALLATION_COUNTRY = "KG"
    referral = send_referral(world, data_categories=("exploitation",))
    assert "citizenship" not in referral.case_data
    response = post_document(world["osh_member"], world["osh"], referral)
    assert response.status_code == 403
    by_side = {e.workspace: e.details for e in events("referrals.document_refused")}
    assert by_side[world["osh"]]["citizenship"] == "UZ"
    assert "citizenship" not in by_side[world["andijan"]]


def test_an_installation_in_uzbekistan_keeps_it(world, referral, in_uzbekistan):
    assert post_document(world["osh_member"], world["osh"], referral).status_code == 302
    assert ReferralDocument.objects.filter(referral=referral).count() == 1


def test_a_kyrgyz_citizens_document_is_kept_on_a_kyrgyz_installation(world, settings):
    settings.PORTAL_INSTALLATION_COUNTRY = "KG"
    world["case"].citizenship = "KG"
    world["case"].save()
    referral = send_referral(world)
    assert post_document(world["osh_member"], world["osh"], referral).status_code == 302
    assert not events("referrals.document_refused").exists()


def test_the_residency_setting_names_allowed_countries_per_citizenship(settings):
    settings.PORTAL_INSTALLATION_COUNTRY = "KG"
    settings.PORTAL_DATA_RESIDENCY = {"UZ": ("UZ",), "TJ": ("TJ", "KG")}
    assert may_hold_identifiable("TJ")
    assert may_hold_identifiable("KZ")  # not named: not restricted
    assert may_hold_identifiable("")  # unknown: not restricted
    refused = may_hold_identifiable("uz")
    assert not refused and refused.status == 403
    assert "Uzbekistan" in refused.message
    settings.PORTAL_INSTALLATION_COUNTRY = "RU"
    assert "Tajikistan, Kyrgyzstan" in may_hold_identifiable("TJ").message


def test_a_citizenship_named_without_a_country_is_kept_nowhere(settings):
    """ "UZ=" in the environment (a typo) must not lift the restriction."""
    settings.PORTAL_INSTALLATION_COUNTRY = "UZ"
    settings.PORTAL_DATA_RESIDENCY = {"UZ": ()}
    refused = may_hold_identifiable("UZ")
    assert not refused
    assert "names no country" in refused.message


# Bad input --------------------------------------------------------------------


def test_a_disguised_file_is_refused_with_a_message(world, referral, in_uzbekistan):
    disguised = upload("consent.pdf", b"MZ\x90\x00 a Windows program", "application/pdf")
    response = post_document(world["osh_member"], world["osh"], referral, file=disguised)
    assert response.status_code == 400
    assert "does not match its name (.pdf)" in response.content.decode()
    assert not ReferralDocument.objects.exists()
    assert not events("referrals.document_uploaded").exists()


def test_a_file_over_the_size_limit_is_refused_with_the_limit(
    world, referral, in_uzbekistan, settings
):
    settings.PORTAL_MAX_UPLOAD_MB = 1
    big = upload("scan.pdf", PDF + b"0" * (1024 * 1024), "application/pdf")
    response = post_document(world["osh_member"], world["osh"], referral, file=big)
    assert response.status_code == 400
    assert "files may be at most 1.0" in response.content.decode()
    assert not ReferralDocument.objects.exists()


def test_a_full_disk_is_said_and_nothing_is_kept(world, referral, in_uzbekistan, private_media):
    from tests.faults import file_size_limit

    private_media.mkdir(parents=True)
    big = upload("scan.pdf", PDF + b"0" * (200 * 1024), "application/pdf")
    with file_size_limit(32 * 1024):  # the kernel refuses the write (EFBIG), as a full disk
        response = post_document(world["osh_member"], world["osh"], referral, file=big)
    assert response.status_code == 507
    page = response.content.decode()
    assert "no room left" in page and "Traceback" not in page
    assert 'value="Consent form"' in page  # what the person typed is kept
    assert not ReferralDocument.objects.exists()
    assert not any(p.is_file() for p in private_media.rglob("*"))
    assert not events("referrals.document_uploaded").exists()


def test_a_title_naming_a_contact_or_missing_is_refused(world, referral, in_uzbekistan):
    response = post_document(
        world["osh_member"], world["osh"], referral, title="Call +998 90 123 45 67"
    )
    assert response.status_code == 400
    missing = post_document(world["osh_member"], world["osh"], referral, title="")
    assert missing.status_code == 400
    assert "Say what the document is." in missing.content.decode()
    assert not ReferralDocument.objects.exists()


def test_a_closed_referral_takes_no_more_documents(world, referral, in_uzbekistan):
    referral = lifecycle.accept(world["andijan_member"], referral)
    lifecycle.close(world["andijan_member"], referral, "completed")
    response = post_document(world["osh_member"], world["osh"], referral)
    assert response.status_code == 409
    assert "while the referral is open" in response.content.decode()
    assert not ReferralDocument.objects.exists()


# The attacker's side ------------------------------------------------------------


@pytest.mark.parametrize("who", ["osh_observer", "andijan_observer"])
def test_an_observer_gets_neither_the_document_nor_the_form(world, referral, who):
    document = stored(world, referral)
    workspace = world["osh"] if who.startswith("osh") else world["andijan"]
    client = signed_in(world[who])
    assert client.get(download_url(workspace, referral, document)).status_code == 403
    response = client.post(upload_url(workspace, referral), {"title": "x", "file": pdf()})
    assert response.status_code == 403
    assert ReferralDocument.objects.count() == 1
    assert not events("referrals.document_downloaded").exists()


@pytest.mark.parametrize("who", ["third_owner", "coordinator", "outsider"])
def test_a_third_organisation_a_coordinator_and_an_outsider_get_404(world, referral, who):
    document = stored(world, referral)
    client = signed_in(world[who])
    for workspace in (world["osh"], world["andijan"], world["third"]):
        assert client.get(download_url(workspace, referral, document)).status_code == 404
        posted = client.post(upload_url(workspace, referral), {"title": "x", "file": pdf()})
        assert posted.status_code == 404
    assert ReferralDocument.objects.count() == 1
    assert not events("referrals.document_downloaded").exists()


def test_the_third_workspaces_own_address_gives_nothing(world, referral):
    """Its owner, in their own workspace, with this referral's ids."""
    document = stored(world, referral)
    client = signed_in(world["third_owner"])
    assert client.get(download_url(world["third"], referral, document)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(world, referral):
    document = stored(world, referral)
    response = Client().get(download_url(world["osh"], referral, document))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    posted = Client().post(upload_url(world["osh"], referral), {"title": "x", "file": pdf()})
    assert posted.status_code == 302 and "/accounts/login/" in posted.url
    assert ReferralDocument.objects.count() == 1


def test_a_stolen_password_without_the_second_factor_gets_no_document(world, referral):
    from tests.mfa import add_totp

    document = stored(world, referral)
    add_totp(world["andijan_member"])
    thief = signed_in(world["andijan_member"])  # the password only, no code typed
    response = thief.get(download_url(world["andijan"], referral, document))
    assert response.status_code == 302
    assert "/accounts/" in response.url and "download" not in response.get(
        "Content-Disposition", ""
    )
    posted = thief.post(upload_url(world["andijan"], referral), {"title": "x", "file": pdf()})
    assert posted.status_code == 302
    assert ReferralDocument.objects.count() == 1
    assert not events("referrals.document_downloaded").exists()


def test_made_up_ids_are_404(world, referral):
    document = stored(world, referral)
    client = signed_in(world["osh_member"])
    missing_doc = reverse(
        "workspace_referrals:document_download",
        kwargs={"slug": "osh-cases", "referral_id": referral.pk, "document_id": document.pk + 99},
    )
    missing_referral = reverse(
        "workspace_referrals:document_download",
        kwargs={"slug": "osh-cases", "referral_id": referral.pk + 99, "document_id": document.pk},
    )
    assert client.get(missing_doc).status_code == 404
    assert client.get(missing_referral).status_code == 404
    posted = client.post(
        reverse(
            "workspace_referrals:document_upload",
            kwargs={"slug": "osh-cases", "referral_id": referral.pk + 99},
        ),
        {"title": "x", "file": pdf()},
    )
    assert posted.status_code == 404


def test_another_referrals_document_under_this_referrals_address_is_404(world, referral):
    theirs = send_referral(world, services=("shelter",))
    document = stored(world, theirs)
    client = signed_in(world["andijan_member"])
    address = reverse(
        "workspace_referrals:document_download",
        kwargs={"slug": "andijan-intake", "referral_id": referral.pk, "document_id": document.pk},
    )
    assert client.get(address).status_code == 404
    # The same document under its own referral's address is theirs to read.
    assert client.get(download_url(world["andijan"], theirs, document)).status_code == 200


@pytest.mark.parametrize("end", ["revoke", "decline"])
def test_the_recipient_loses_the_documents_at_once(world, referral, end):
    document = stored(world, referral)
    recipient = signed_in(world["andijan_member"])
    address = download_url(world["andijan"], referral, document)
    assert recipient.get(address).status_code == 200
    if end == "revoke":
        lifecycle.revoke(world["osh_member"], referral, "The person chose another shelter.")
    else:
        lifecycle.decline(world["andijan_manager"], referral, "No bed free this month.")
    assert recipient.get(address).status_code == 404
    assert recipient.get(detail_url(world["andijan"], referral)).status_code == 404
    # The sender keeps them.
    sender = signed_in(world["osh_member"])
    assert sender.get(download_url(world["osh"], referral, document)).status_code == 200


def test_a_referral_revoked_while_the_file_was_written_keeps_nothing(
    world, referral, in_uzbekistan, private_media
):
    from portal.core.policy import ActionRefused
    from portal.referrals.models import Referral

    lifecycle.accept(world["andijan_member"], referral)
    seen_before = Referral.objects.get(pk=referral.pk)  # what the recipient's upload began with
    lifecycle.revoke(world["osh_member"], referral, "The person chose another shelter.")
    with pytest.raises(ActionRefused) as refused:
        documents.upload(
            world["andijan_member"], seen_before, pdf(), "Consent form", workspace=world["andijan"]
        )
    assert refused.value.status == 404
    assert not ReferralDocument.objects.exists()
    assert not private_media.exists() or not any(p.is_file() for p in private_media.rglob("*"))
    assert not events("referrals.document_uploaded").exists()


def test_a_person_in_both_workspaces_loses_the_recipients_address_on_revoke(world, referral):
    from tests.factories import add_member

    both = add_member(world["andijan"], world["osh_member"], "member")
    document = stored(world, referral)
    lifecycle.revoke(world["osh_owner"], referral, "The person chose another shelter.")
    client = signed_in(both)
    assert client.get(download_url(world["andijan"], referral, document)).status_code == 404
    assert client.get(download_url(world["osh"], referral, document)).status_code == 200


def test_a_document_is_not_reachable_under_media(world, referral, settings, private_media):
    document = stored(world, referral)
    assert (private_media / document.file.name).is_file()
    assert not str(private_media).startswith(str(settings.MEDIA_ROOT))
    settings.PORTAL_SERVE_MEDIA = True
    for address in (f"/media/{document.file.name}", f"/media/../private/{document.file.name}"):
        assert signed_in(world["osh_member"]).get(address).status_code == 404
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018  (private storage has no URL)


def test_a_purged_referral_takes_its_files_with_it(
    world, referral, private_media, django_capture_on_commit_callbacks
):
    document = stored(world, referral)
    blob = private_media / document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        referral.delete()
    assert not blob.exists()
