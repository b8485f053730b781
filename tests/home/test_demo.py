"""The public-site part of `manage.py load_demo`."""

import csv
import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.images import get_image_model

from portal.home.models import CampaignPage, EventPage, Hotline, NewsPage
from portal.resources.models import ResourcePage

pytestmark = pytest.mark.django_db


def load_demo():
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=io.StringIO())


def assert_valid_pdf(data):
    assert data.startswith(b"%PDF-1.")
    assert data.rstrip().endswith(b"%%EOF")
    startxref = int(re.search(rb"startxref\s+(\d+)", data).group(1))
    assert data[startxref:].startswith(b"xref")
    offsets = re.findall(rb"(\d{10}) 00000 n ", data[startxref:])
    for number, offset in enumerate(offsets, start=1):
        assert data[int(offset) :].startswith(b"%d 0 obj" % number)


def assert_valid_document(document):
    with document.file.open("rb") as handle:
        data = handle.read()
    extension = document.file_extension
    if extension == "pdf":
        assert_valid_pdf(data)
    elif extension == "docx":
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            assert package.testzip() is None
            xml = package.read("word/document.xml").decode()
        assert document.title.split(":")[0] in xml
    elif extension == "xlsx":
        assert load_workbook(io.BytesIO(data)).active.max_row > 1
    elif extension == "csv":
        assert len(list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))) > 1
    else:
        assert extension == "txt"
        assert data.decode("utf-8").strip()
    assert document.file_size == len(data)


def test_demo_builds_a_full_bilingual_public_site(client, demo_once):

    news = NewsPage.objects.live()
    assert news.filter(locale__language_code="ru").count() >= 12
    assert news.filter(locale__language_code="en").count() >= 5
    assert all(page.image_id and page.image_alt for page in news.filter(locale__language_code="ru"))

    resources = (
        ResourcePage.objects.live().filter(locale__language_code="ru").select_related("document")
    )
    assert resources.count() >= 10
    for resource in resources:
        assert_valid_document(resource.document)
    assert {r.document.file_extension for r in resources} >= {"pdf", "docx", "xlsx", "csv", "txt"}

    assert {h.country for h in Hotline.objects.filter(locale__language_code="ru")} == {
        "KG",
        "UZ",
        "TJ",
    }
    assert {h.country for h in Hotline.objects.filter(locale__language_code="en")} == {
        "KG",
        "UZ",
        "TJ",
    }

    assert CampaignPage.objects.live().filter(locale__language_code="ru").count() == 1
    events = EventPage.objects.live().filter(locale__language_code="ru")
    now = timezone.now()
    assert events.count() == 4
    assert events.upcoming(now).count() == 2 and events.past(now).count() == 2

    assert all(image.description for image in get_image_model().objects.all())

    # Every page of the sitemap answers, in both languages.
    sitemap = client.get("/sitemap.xml").content.decode()
    urls = re.findall(r"<loc>http://testserver(/[^<]*)</loc>", sitemap)
    assert len(urls) > 40
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_second_run_adds_nothing_and_keeps_what_editors_changed(demo_once):
    # The first run is the module's demo_once; the second is this test's.
    news = NewsPage.objects.filter(locale__language_code="ru").order_by("pk").first()
    news.title = "Заголовок от редактора"
    news.save_revision().publish()
    counts = (NewsPage.objects.count(), ResourcePage.objects.count(), Hotline.objects.count())

    load_demo()

    assert (
        NewsPage.objects.count(),
        ResourcePage.objects.count(),
        Hotline.objects.count(),
    ) == counts
    news.refresh_from_db()
    assert news.title == "Заголовок от редактора"
