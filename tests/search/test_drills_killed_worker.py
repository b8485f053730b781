"""Drill: the queue worker is killed (SIGKILL) while it applies a batch of the
durable queue (PendingIndexOperation). Its operations stay queued, no other
worker touches them while its lease runs, and once the lease is over the next
run applies each of them once: nothing lost, nothing twice in the index.

The worker is the real `manage.py search_index worker` in a child process,
on this test's database and an alias of its own on the shared Elasticsearch;
replies from the node are slowed (tests/search/forwarder.py) so the kill
lands while the batch is being written to it.
"""

import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Max
from django.utils import timezone

from portal.members.models import Workspace
from portal.search import index, queue
from portal.search.client import get_client
from portal.search.models import PendingIndexOperation
from tests.faults import child_env, index_state, kill_worker_midbatch

from .forwarder import Forwarder

pytestmark = pytest.mark.django_db(transaction=True)

OPERATIONS = 120
LEASE = 4


def test_a_worker_killed_midbatch_leaves_its_operations_queued_and_the_next_run_applies_each_once(
    es_prefix, settings
):
    index.ensure_index()
    Workspace.objects.bulk_create(
        [Workspace(slug=f"queued-{n}", name=f"Queued shelter {n}") for n in range(OPERATIONS)]
    )
    keys = [("workspace", str(pk)) for pk in Workspace.objects.values_list("pk", flat=True)]
    queue.enqueue(keys, process=False)

    slow = Forwarder.to(settings.ELASTICSEARCH_URL, delay=1.0).start()
    try:
        env = child_env(
            prefix=es_prefix, elasticsearch_url=slow.url, SEARCH_QUEUE_LEASE_SECONDS=LEASE
        )
        assert kill_worker_midbatch(env=env, keys=keys)
    finally:
        slow.stop()

    assert PendingIndexOperation.objects.count() == OPERATIONS  # nothing lost
    # While the dead worker's lease runs, a worker leaves its batch alone
    # (it could still be alive, and slow).
    settings.SEARCH_QUEUE_LEASE_SECONDS = LEASE
    lease_ends = PendingIndexOperation.objects.aggregate(end=Max("next_attempt_at"))["end"]
    assert lease_ends > timezone.now()
    assert queue.drain().done == 0
    time.sleep(max(0.0, (lease_ends - timezone.now()).total_seconds()) + 0.1)

    call_command("search_index", "worker", "--once", stdout=StringIO())

    assert not PendingIndexOperation.objects.exists()
    state = index_state(get_client(), es_prefix)
    assert sorted(state.doc_ids) == sorted(f"workspace-{pk}" for _, pk in keys)
    assert state.duplicates == 0


def test_sync_applies_a_killed_workers_operations_at_once(es_prefix, settings):
    """The operator does not have to wait for the lease: `search_index sync`
    applies everything queued, claimed or not."""
    index.ensure_index()
    Workspace.objects.bulk_create(
        [Workspace(slug=f"synced-{n}", name=f"Synced shelter {n}") for n in range(20)]
    )
    keys = [("workspace", str(pk)) for pk in Workspace.objects.values_list("pk", flat=True)]
    queue.enqueue(keys, process=False)
    slow = Forwarder.to(settings.ELASTICSEARCH_URL, delay=1.0).start()
    try:
        env = child_env(prefix=es_prefix, elasticsearch_url=slow.url)  # the 5-minute lease
        assert kill_worker_midbatch(env=env, keys=keys)
    finally:
        slow.stop()
    assert queue.drain().done == 0  # leased for minutes

    out = StringIO()
    call_command("search_index", "sync", stdout=out)

    assert "20 applied, 0 failed" in out.getvalue()
    assert not PendingIndexOperation.objects.exists()
    state = index_state(get_client(), es_prefix)
    assert sorted(state.doc_ids) == sorted(f"workspace-{pk}" for _, pk in keys)
    assert state.duplicates == 0
