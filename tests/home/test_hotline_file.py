"""The hotline file: every country's hotlines beside the database, for the
pages shown when the portal fails (tests/browser/test_database_outage.py stops a
real PostgreSQL)."""

import json

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.home import hotline_snapshot
from tests.home.builders import add_hotline, make_site


@pytest.fixture
def hotline_file(settings, tmp_path):
    settings.PORTAL_HOTLINES_FILE = tmp_path / "state" / "hotlines.json"
    return settings.PORTAL_HOTLINES_FILE


def phones(language="ru"):
    return {line["phone"] for line in hotline_snapshot.read(language)}


@pytest.mark.django_db(transaction=True)
def test_saving_or_deleting_a_hotline_rewrites_the_file_after_commit(hotline_file):
    line = add_hotline("KG", "+996 312 00 00 01")
    assert phones() == {"+996 312 00 00 01"}
    line.phone = "189"
    line.save()
    assert phones() == {"189"}
    line.delete()
    assert phones() == set()
    written = json.loads(hotline_file.read_text())
    assert set(written["languages"]) == {"ru", "en", "ky", "uz", "tg"}


@pytest.mark.django_db(transaction=True)
def test_a_hotline_rolled_back_never_reaches_the_file(hotline_file):
    add_hotline("KG", "+996 312 00 00 01")
    with pytest.raises(RuntimeError), transaction.atomic():
        add_hotline("UZ", "+998 71 000 00 00")
        raise RuntimeError("the editor's save failed")
    assert phones() == {"+996 312 00 00 01"}


@pytest.mark.django_db
def test_a_fresh_installation_writes_the_file_when_a_page_is_first_shown(hotline_file, client):
    make_site()
    add_hotline("TJ", "+992 37 000 00 03")  # inside the test's transaction: no commit yet
    assert not hotline_file.exists()
    assert client.get("/ru/").status_code == 200
    assert phones() == {"+992 37 000 00 03"}


def test_a_missing_or_broken_file_gives_no_hotlines_and_no_error(hotline_file):
    assert hotline_snapshot.read("ru") == []
    hotline_file.parent.mkdir(parents=True)
    hotline_file.write_text("{not json")
    assert hotline_snapshot.read("ru") == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("tests.home.error_urls")
def test_the_server_error_page_lists_every_countrys_hotlines_without_the_database(
    hotline_file,
):
    for country, phone in (("KG", "+996 312 00 00 01"), ("UZ", "+998 71 200 00 02")):
        add_hotline(country, phone)
    visitor = Client(raise_request_exception=False)
    with CaptureQueriesContext(connection) as queries:
        response = visitor.get("/broken/", HTTP_ACCEPT_LANGUAGE="ru")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Retry-After" not in response.headers  # a bug, not an outage: no promise
    assert '<html lang="ru">' in html and "Что-то пошло не так" in html
    assert 'href="tel:+996312000001"' in html and 'href="tel:+998712000002"' in html
    assert len(queries) == 0  # the page itself reads only the file
    english = visitor.get("/broken/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Something went wrong" in english and "+998 71 200 00 02" in english
