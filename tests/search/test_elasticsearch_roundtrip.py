"""The suite's Elasticsearch is real: create an index, index, search, delete."""

import uuid

from django.conf import settings
from elasticsearch.dsl import Document, Index, Keyword, Text

from portal.search.client import get_client, server_version


def test_elasticsearch_round_trip_through_elasticsearch_dsl():
    client = get_client()
    name = f"{settings.SEARCH_INDEX_PREFIX}-roundtrip-{uuid.uuid4().hex[:8]}"
    index = Index(name, using=client)

    @index.document
    class Note(Document):
        title = Text(analyzer=settings.SEARCH_ANALYZERS["default"])
        kind = Keyword()

    try:
        index.create()
        Note(meta={"id": "1"}, title="Горячая линия в Оше", kind="hotline").save(
            using=client, refresh=True
        )
        Note(meta={"id": "2"}, title="Training for lawyers", kind="event").save(
            using=client, refresh=True
        )

        hits = Note.search(using=client, index=name).query("match", title="оше").execute()
        assert [hit.meta.id for hit in hits] == ["1"]
        assert hits[0].kind == "hotline"

        filtered = Note.search(using=client, index=name).filter("term", kind="event").count()
        assert filtered == 1
    finally:
        index.delete(ignore_unavailable=True)
    assert not client.indices.exists(index=name)


def test_server_version_is_reported_as_8x():
    assert server_version().startswith("8.")
