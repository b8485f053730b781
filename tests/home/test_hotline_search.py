"""Someone at risk searches the portal for a hotline's number, as it is printed
or as they type it, or for the organisation that answers it: the get-help page,
which lists every hotline, comes back. After an editor changes or removes a
hotline, the old number must lead nowhere (a dead number costs a call that
nobody answers), on Elasticsearch and on the database fallback alike.

Everything is asserted through /search/, so the tests hold whatever the search
engine does to the text (analysis, stemming, typo tolerance)."""

import html
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from wagtail.models import Page

from portal.home.models import Hotline
from portal.search import index
from portal.search.client import circuit, get_client
from portal.search.models import PendingIndexOperation
from tests.factories import UserFactory
from tests.home.builders import add_hotline, locale
from tests.search_indices import private_alias

pytestmark = pytest.mark.django_db

KYRGYZ_LINE = "+996 3222 0 00 01"
# Free-call numbers are printed without the country code in Uzbekistan.
UZBEK_FREE_LINE = "0 800 120 33 44"
UZBEK_NEW_LINE = "+998 71 200 55 66"
TAJIK_LINE = "+992 44 640 17 17"


@pytest.fixture(params=["elasticsearch", "database"])
def backend(request, settings):
    """A private Elasticsearch alias, or no Elasticsearch at all (the database
    fallback answers and the queue writes the database mirror only)."""
    with private_alias("t") as prefix:
        settings.SEARCH_INDEX_PREFIX = prefix
        if request.param == "database":
            settings.ELASTICSEARCH_URL = ""
        circuit.reset()
        yield request.param


@pytest.fixture
def hotlines(site):
    """A Kyrgyz line translated into English and an Uzbek line that only has
    Russian (the English page shows it in Russian, as its fallback)."""
    kyrgyz = add_hotline(
        "KG",
        KYRGYZ_LINE,
        organisation="Кризисный центр «Сезим»",
        hours="Круглосуточно",
        languages="русский, кыргызский",
        note="Бесплатно с любого мобильного",
    )
    kyrgyz_en = kyrgyz.copy_for_translation(locale("en"))
    kyrgyz_en.organisation = "Sezim Crisis Centre"
    kyrgyz_en.hours = "Around the clock"
    kyrgyz_en.languages = "Russian, Kyrgyz"
    kyrgyz_en.note = "Free from any mobile network"
    kyrgyz_en.save()
    uzbek = add_hotline(
        "UZ",
        UZBEK_FREE_LINE,
        organisation="Истикболли авлод",
        hours="Ежедневно",
        languages="узбекский, русский",
    )
    return {"kyrgyz": kyrgyz, "kyrgyz_en": kyrgyz_en, "uzbek": uzbek}


@pytest.fixture
def indexed(backend, site, hotlines):
    """The site as the operator indexes it: a full rebuild, the queue empty."""
    call_command("search_index", "rebuild", "--force", stdout=StringIO())
    PendingIndexOperation.objects.all().delete()
    return {
        "ru": Page.objects.get(pk=site.get_help.pk).get_url(),
        "en": Page.objects.get(pk=site.get_help_en.pk).get_url(),
    }


def found(client, backend, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    results = response.context["results"]
    assert results.backend == backend
    return {hit.url for hit in results.hits}


def apply_queue():
    """What the worker (or ``search_index sync``) does after a change."""
    call_command("search_index", "sync", stdout=StringIO())
    assert not PendingIndexOperation.objects.exists()
    if get_client() is not None:
        index.refresh()  # what Elasticsearch does by itself within a second


def queued_get_help_pages(site):
    return {
        object_id
        for object_id in PendingIndexOperation.objects.filter(kind="page").values_list(
            "object_id", flat=True
        )
        if object_id in {str(site.get_help.pk), str(site.get_help_en.pk)}
    }


def test_a_hotline_number_as_printed_finds_the_get_help_page_in_every_language(
    client, backend, indexed
):
    get_help = set(indexed.values())
    assert found(client, backend, KYRGYZ_LINE) == get_help
    # Without the plus, as a free-call number is printed and dialled.
    assert found(client, backend, UZBEK_FREE_LINE) == get_help
    # Typed or pasted without spaces, as the dialler or a contact list shows it.
    assert found(client, backend, "+996322200001") == get_help


def test_the_organisation_finds_the_get_help_page_that_shows_it(client, backend, indexed):
    # Each page shows the line in its own language...
    assert found(client, backend, "Кризисный центр «Сезим»") == {indexed["ru"]}
    assert found(client, backend, "Sezim Crisis Centre") == {indexed["en"]}
    # ...or, untranslated, in the default language rather than not at all.
    assert found(client, backend, "Истикболли авлод") == {indexed["ru"], indexed["en"]}
    # The hours, the languages spoken and the note are on the page too.
    assert found(client, backend, "Sezim around the clock") == {indexed["en"]}


def test_searching_for_a_hotline_finds_the_get_help_page(client, backend, indexed):
    assert indexed["ru"] in found(client, backend, "позвоните на горячую линию")
    assert indexed["en"] in found(client, backend, "call a hotline")


def test_after_a_number_changes_only_the_new_one_finds_the_page(
    client, backend, indexed, site, hotlines
):
    uzbek = hotlines["uzbek"]
    uzbek.phone = UZBEK_NEW_LINE
    uzbek.save()
    # The Uzbek line has no English translation, yet the English page shows
    # it: both pages wait in the queue.
    assert queued_get_help_pages(site) == {str(site.get_help.pk), str(site.get_help_en.pk)}

    apply_queue()

    assert found(client, backend, UZBEK_NEW_LINE) == set(indexed.values())
    assert found(client, backend, UZBEK_FREE_LINE) == set()


def test_a_new_hotline_finds_the_page_once_the_queue_has_run(
    client, backend, indexed, site, hotlines
):
    assert found(client, backend, TAJIK_LINE) == set()

    add_hotline("TJ", TAJIK_LINE, organisation="Гамхори", hours="Ежедневно", languages="таджикский")
    assert queued_get_help_pages(site) == {str(site.get_help.pk), str(site.get_help_en.pk)}
    apply_queue()

    assert found(client, backend, TAJIK_LINE) == set(indexed.values())
    assert found(client, backend, "Гамхори") == set(indexed.values())


def test_a_deleted_hotline_number_finds_nothing(client, backend, indexed, site, hotlines):
    hotlines["uzbek"].delete()
    assert queued_get_help_pages(site) == {str(site.get_help.pk), str(site.get_help_en.pk)}

    apply_queue()

    assert found(client, backend, UZBEK_FREE_LINE) == set()
    assert found(client, backend, "Истикболли авлод") == set()
    # The lines that remain are still found.
    assert found(client, backend, KYRGYZ_LINE) == set(indexed.values())


def test_a_hotline_change_is_queued_with_its_transaction(backend, indexed, site, hotlines):
    """The queue row commits or rolls back with the change: a saved number is
    never left out of the index, a rolled-back one never queued."""
    with transaction.atomic():
        Hotline.objects.get(pk=hotlines["kyrgyz"].pk).delete()
        assert queued_get_help_pages(site) == {str(site.get_help.pk), str(site.get_help_en.pk)}
        transaction.set_rollback(True)
    assert queued_get_help_pages(site) == set()


def test_every_number_and_organisation_the_page_shows_finds_that_page(client, backend, indexed):
    for language, url in indexed.items():
        page = client.get(url).content.decode()
        shown = re.findall(r'class="hotline__(?:number|organisation)"[^>]*>([^<]+)<', page)
        assert len(shown) == 4, f"the {language} page shows two lines"
        for text in shown:
            assert url in found(client, backend, html.unescape(text)), (language, text)


def test_an_editor_changes_a_number_in_the_admin_and_search_follows(
    client, backend, indexed, site, hotlines
):
    """The editor's own path: the snippet form queues both get-help pages."""
    uzbek = hotlines["uzbek"]
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        f"/admin/snippets/home/hotline/edit/{uzbek.pk}/",
        {
            "country": "UZ",
            "sort_order": "0",
            "organisation": uzbek.organisation,
            "phone": UZBEK_NEW_LINE,
            "hours": uzbek.hours,
            "languages": uzbek.languages,
            "note": "",
        },
    )
    assert response.status_code == 302
    assert queued_get_help_pages(site) == {str(site.get_help.pk), str(site.get_help_en.pk)}
    apply_queue()
    client.logout()

    assert found(client, backend, UZBEK_NEW_LINE) == set(indexed.values())
    assert found(client, backend, UZBEK_FREE_LINE) == set()
