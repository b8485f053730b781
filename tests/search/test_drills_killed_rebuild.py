"""Drill: the rebuild process is killed (SIGKILL: no cleanup of ours runs) in
the middle of a bulk index, then run again.

The real `manage.py search_index rebuild` runs in a child process against
this test's database and an alias of its own on the shared Elasticsearch.
Replies from the node are slowed a little (tests/search/forwarder.py) so the
kill lands between two chunks, not after the last one.
"""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from portal.members.models import Workspace
from portal.search import rebuild
from portal.search.client import get_client
from portal.search.models import SearchRecord
from tests.faults import child_env, expected_doc_ids, index_state, kill_rebuild_midway

from .forwarder import Forwarder

pytestmark = pytest.mark.django_db(transaction=True)

WORKSPACES = 300
CHUNK = 40


@pytest.fixture
def slow_node():
    proxy = Forwarder.to(settings.ELASTICSEARCH_URL, delay=0.1).start()
    yield proxy
    proxy.stop()


@pytest.fixture
def many_workspaces(transactional_db):
    Workspace.objects.bulk_create(
        [Workspace(slug=f"drill-{n}", name=f"Drill shelter {n}") for n in range(WORKSPACES)]
    )


def test_a_rebuild_killed_midway_is_finished_by_the_next_run_without_duplicates(
    es_prefix, slow_node, many_workspaces
):
    client = get_client()
    env = child_env(prefix=es_prefix, elasticsearch_url=slow_node.url)
    rebuild.rebuild()  # a complete live index, to protect
    (live_before,) = index_state(client, es_prefix).live

    killed = kill_rebuild_midway(env=env, kind="workspace", chunk_size=CHUNK)
    assert killed.kind == "workspace", killed.lines
    assert CHUNK * 2 <= killed.done < killed.total == WORKSPACES
    after_kill = index_state(client, es_prefix)
    # Searches still read the complete old index; the half-built one is left over.
    assert after_kill.live == [live_before]
    assert len(after_kill.filling) == 1
    assert len(after_kill.doc_ids) == len(expected_doc_ids())

    out = StringIO()
    call_command("search_index", "rebuild", "--chunk-size", str(CHUNK), stdout=out)
    assert f"Removed the index of an interrupted rebuild: {after_kill.filling[0]}" in (
        out.getvalue()
    )

    state = index_state(client, es_prefix)
    expected = expected_doc_ids()
    assert sorted(state.doc_ids) == sorted(expected)
    assert state.duplicates == 0
    assert len(state.live) == 1 and state.live != [live_before]
    # Nothing left over: no rebuild alias, no half-built index, no old index.
    assert state.filling == []
    assert state.indices == state.live
    assert set(SearchRecord.objects.values_list("doc_id", flat=True)) == expected
