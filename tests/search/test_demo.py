"""load_demo's last step leaves the search complete, with or without
Elasticsearch."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from wagtail.models import Page

from portal.search import index
from portal.search.client import get_client
from portal.search.models import PendingIndexOperation, SearchRecord
from portal.search.registry import registry

from .conftest import AnyPageSource

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_without_search(db, demo_rows):
    """The demo (tests/conftest.py) with nothing in its search: no index,
    no database mirror, no queue. What the tests find, load_demo's run over it
    made, as its last step does on every run."""
    demo_rows.restore(search_index=False)
    SearchRecord.objects.all().delete()
    PendingIndexOperation.objects.all().delete()


def load_demo():
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=out)
    return out.getvalue()


def test_load_demo_builds_the_index_from_every_source(es_prefix, demo_without_search):
    with registry.only(AnyPageSource()):
        output = load_demo()
    assert "[3/3] search index" in output or "search index" in output
    client = get_client()
    index.refresh()
    hits = client.search(index=index.alias_name(), size=1000, query={"match_all": {}})["hits"]
    titles = {hit["_source"]["title"] for hit in hits["hits"]}
    # The home page in Russian and in English, both public.
    assert "Ferghana Valley Network against Human Trafficking" in titles
    assert "Сеть Ферганской долины против торговли людьми" in titles
    assert all(hit["_source"]["audiences"] == ["public"] for hit in hits["hits"])
    assert SearchRecord.objects.live().filter(kind="page").count() == hits["total"]["value"]


def public_page_count():
    """Live pages without view restrictions that have an address (not the tree root)."""
    return Page.objects.live().public().filter(depth__gt=1).count()


def test_load_demo_without_elasticsearch_fills_the_database_search(settings, demo_without_search):
    settings.ELASTICSEARCH_URL = ""
    with registry.only(AnyPageSource()):
        output = load_demo()
    assert "database search filled" in output
    assert SearchRecord.objects.live().filter(kind="page").count() == public_page_count()


def test_load_demo_when_elasticsearch_is_down_queues_the_index(
    settings, es_prefix, demo_without_search
):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # refused
    with registry.only(AnyPageSource()):
        output = load_demo()
    assert "did not answer" in output
    assert SearchRecord.objects.live().filter(kind="page").count() == public_page_count()
    assert PendingIndexOperation.objects.filter(kind="page").count() >= public_page_count()
