"""A case worker's documents on a referral, in Russian, at desktop and phone
width: on an installation in Kyrgyzstan the referral of a citizen of
Uzbekistan offers no upload and says why and what to do; on one in
Uzbekistan the worker tries a disguised file (refused, with the reason),
adds the consent form and downloads it again (the same bytes, under a name
that carries nothing of the uploaded one)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from portal.members.files import ALLOWED_EXTENSIONS
from portal.members.pdf import simple_pdf
from portal.referrals.models import ReferralDocument
from tests.browser.journey import english_words
from tests.factories import DEFAULT_PASSWORD
from tests.referrals.builders import referral_world, send_referral

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PDF = simple_pdf(["Consent form"], title="Consent")
FILE_TYPES = (*ALLOWED_EXTENSIONS, "Word", "Excel", "PowerPoint", "OpenDocument")

# This part's strings; their Russian arrives with the merged catalogue (helpers
# write PO fragments). Until then the steps allow the English words of those
# still untranslated, and nothing once they are.
STRINGS = (
    "Documents",
    "Documents are kept outside the public website. Only the case workers of the two "
    "organisations can download them, and each download is recorded. The recipient loses "
    "them at once if the referral is revoked or declined.",
    "No documents yet.",
    "Add a document",
    "Add the document",
    "What is it?",
    "For example “Consent form” or “Medical note”. Seen by both organisations. "
    "Never the person's name.",
    "Back to the referral",
    "Documents about this person cannot be kept on this portal: their identifiable data may "
    "be held only by an installation in %(allowed)s. Share the document out of band, through "
    "an installation in %(allowed)s or another channel agreed with the other organisation, and "
    "mention it in the thread.",
    "“%(title)s” is added to the referral.",
    "Add a document to referral %(reference)s",
)


def untranslated():
    words = set()
    with translation.override("ru"):
        for text in STRINGS:
            if translation.gettext(text) == text:
                words.update(english_words(text))
    return (*sorted(words), *FILE_TYPES)


def test_case_worker_adds_a_document_where_residency_allows(journey, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.PORTAL_INSTALLATION_COUNTRY = "KG"
    world = referral_world()
    # What the page shows of the world, in Russian like the rest of the page.
    for key, name in (("osh", "Ошские случаи"), ("andijan", "Андижанский приём")):
        world[key].name = name
        world[key].save()
    for key, name in (("osh", "Ошская помощь мигрантам"), ("andijan", "Андижанский приют")):
        world[key].organisation.name = name
        world[key].organisation.save()
    referral = send_referral(
        world,
        needs="Безопасное жильё на две недели и консультации психолога на узбекском.",
        sender_contact="По будням с 9 до 18, через переписку на портале.",
    )
    worker = world["osh_member"]
    worker.first_name, worker.last_name = "Нурлан", "Абдыкадыров"
    worker.save()
    page = journey.page
    allowed = untranslated()

    # The referral's address, as the mail about it gives it; sign in first.
    journey.goto(
        reverse(
            "workspace_referrals:detail", kwargs={"slug": "osh-cases", "referral_id": referral.pk}
        )
    )
    journey.check("sign-in")
    page.fill("input[name=login]", worker.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(f"**/referrals/{referral.pk}/")
    journey.check("refused-by-residency", allowed_words=allowed)
    panel = page.locator("#documents")
    notice = panel.locator("#document-residency").inner_text()
    assert "Узбекистан" in notice or "Uzbekistan" in notice
    assert panel.locator("input[type=file]").count() == 0

    # The same portal installed in Uzbekistan keeps the person's documents.
    settings.PORTAL_INSTALLATION_COUNTRY = "UZ"
    page.reload()
    journey.check("upload-form", allowed_words=allowed)
    assert panel.locator("#document-residency").count() == 0

    # A program renamed to .pdf is refused, and the page says why.
    disguised = tmp_path / "согласие.pdf"
    disguised.write_bytes(b"MZ\x90\x00 not a PDF")
    page.fill("#id_title", "Форма согласия")
    page.set_input_files("#documents input[type=file]", str(disguised))
    with journey.expecting(400, r"/documents/$"):
        page.locator("#documents button[type=submit]").click()
    journey.check("disguised-refused", allowed_words=allowed)
    assert ".pdf" in page.locator("main").inner_text()
    assert not ReferralDocument.objects.exists()

    # The real consent form, from the form the refusal shows again.
    real = tmp_path / "согласие-Дильноза.pdf"
    real.write_bytes(PDF)
    page.fill("#id_title", "Форма согласия")
    page.set_input_files("input[type=file]", str(real))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/referrals/{referral.pk}/#documents$"))
    journey.check("added", allowed_words=allowed)
    document = ReferralDocument.objects.get(referral=referral)
    link = page.locator(f"#document-{document.pk}").get_by_role("link", name="Форма согласия")

    # Download it again: the same bytes, a name without the person's.
    link.scroll_into_view_if_needed()
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == f"{referral.reference}-document-{document.pk}.pdf"
    assert download.path().read_bytes() == PDF
    journey.check("downloaded", allowed_words=allowed)
