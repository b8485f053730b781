"""Rebuild (new index, atomic swap, searches keep answering, edits not lost)
and the management command."""

import os
import signal
import threading
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from portal.core.audience import PUBLIC
from portal.members.models import Workspace
from portal.search import index, queue, rebuild
from portal.search.client import get_client
from portal.search.models import PendingIndexOperation, SearchRecord
from portal.search.query import search
from portal.search.registry import SearchEntry, registry
from portal.search.results import SearchParams
from tests.factories import make_workspace

from .conftest import WorkspaceNoteSource

pytestmark = pytest.mark.django_db


def make_notes(count, prefix="Shelter"):
    """Workspaces without the ceremony (no owner, no audit): rows to index."""
    Workspace.objects.bulk_create(
        [Workspace(slug=f"{prefix.lower()}-{n}", name=f"{prefix} note {n}") for n in range(count)]
    )
    return list(Workspace.objects.filter(slug__startswith=f"{prefix.lower()}-"))


def indexed_titles(tokens, q):
    results = search(SearchParams(q=q, per_page=100), tokens)
    assert results.backend == "elasticsearch"
    return {h.title for h in results.hits}


def all_tokens():
    return {PUBLIC} | {f"workspace:{pk}" for pk in Workspace.objects.values_list("pk", flat=True)}


def test_rebuild_makes_a_new_index_swaps_the_alias_and_removes_the_old(es_index, test_sources):
    client = get_client()
    old = index.indices_behind(index.alias_name())
    make_notes(3)
    report = rebuild.rebuild()
    assert report.counts == {"note": 3, "page": report.counts["page"]}
    assert index.indices_behind(index.alias_name()) == [report.index]
    assert report.index not in old
    assert not client.indices.exists(index=old[0])
    assert not client.indices.exists_alias(name=index.next_alias_name())
    assert indexed_titles(all_tokens(), "shelter") == {f"Shelter note {n}" for n in range(3)}
    settings_ = client.indices.get_settings(index=report.index)[report.index]["settings"]["index"]
    assert settings_.get("refresh_interval") in (None, "1s")


def test_rebuild_removes_mirror_records_of_objects_that_are_gone(es_index, test_sources):
    notes = make_notes(2)
    rebuild.rebuild()
    Workspace.objects.filter(pk=notes[0].pk).delete()
    PendingIndexOperation.objects.all().delete()  # as if the change were lost
    rebuild.rebuild()
    assert not SearchRecord.objects.filter(doc_id=f"note-{notes[0].pk}").exists()
    assert SearchRecord.objects.filter(doc_id=f"note-{notes[1].pk}").exists()
    assert indexed_titles(all_tokens(), "shelter") == {notes[1].name}


class EditingSource(WorkspaceNoteSource):
    """Makes edits in the middle of a rebuild, after the rebuild has read the
    objects it edits, as a person using the portal would."""

    during = None

    def entry_for(self, workspace):
        if self.during and workspace.slug == "trigger-0":
            action, self.during = self.during, None
            action()
        return super().entry_for(workspace)


def test_edits_during_a_rebuild_are_in_the_new_index(es_index):
    source = EditingSource()
    with registry.only(source):
        renamed, deleted = make_notes(2, prefix="Early")
        make_notes(1, prefix="Trigger")  # read after the two above (same chunk)
        added = []

        def edit():
            Workspace.objects.filter(pk=renamed.pk).update(name="Early renamed during rebuild")
            Workspace.objects.filter(pk=deleted.pk).delete()
            added.append(make_workspace(slug="new-during", name="Early added during rebuild"))
            queue.enqueue([("note", str(renamed.pk)), ("note", str(deleted.pk))], process=False)
            queue.drain()  # what the worker does meanwhile: writes to both indices

        source.during = edit
        report = rebuild.rebuild()
    assert report.index in index.indices_behind(index.alias_name())
    with registry.only(source):
        titles = indexed_titles(all_tokens() | {f"workspace:{deleted.pk}"}, "early")
    assert titles == {"Early renamed during rebuild", "Early added during rebuild"}
    assert SearchRecord.objects.get(doc_id=f"note-{renamed.pk}").title == (
        "Early renamed during rebuild"
    )
    assert not SearchRecord.objects.live().filter(doc_id=f"note-{deleted.pk}").exists()


def test_a_change_made_after_the_rebuild_read_an_object_is_not_overwritten(es_index):
    """The rebuild reads each source as it was when its query began; an object
    withdrawn or renamed later (in a chunk still to be written) must keep the
    newer state, not get the rebuild's stale copy back."""
    source = EditingSource()
    with registry.only(source):
        make_notes(1, prefix="Trigger")  # first by name: chunk 1
        (withdrawn,) = make_notes(1, prefix="Withdrawn")  # chunk 2
        (renamed,) = make_notes(1, prefix="Zrenamed")  # chunk 3

        def edit():
            Workspace.objects.filter(pk=withdrawn.pk).update(archived_at=timezone.now())
            Workspace.objects.filter(pk=renamed.pk).update(name="Zrenamed later")
            queue.enqueue([("note", str(withdrawn.pk)), ("note", str(renamed.pk))], process=False)
            queue.drain()

        source.during = edit
        rebuild.rebuild(chunk_size=1)
        tokens = all_tokens()
        assert indexed_titles(tokens, "withdrawn") == set()
        assert indexed_titles(tokens, "zrenamed") == {"Zrenamed later"}
    assert not SearchRecord.objects.live().filter(doc_id=f"note-{withdrawn.pk}").exists()
    assert SearchRecord.objects.get(doc_id=f"note-{renamed.pk}").title == "Zrenamed later"


class SlowSource(WorkspaceNoteSource):
    def entry_for(self, workspace):
        time.sleep(0.002)
        return super().entry_for(workspace)


def test_searches_keep_answering_during_a_rebuild(es_index):
    with registry.only(SlowSource()):
        make_notes(400)
        rebuild.rebuild()
        tokens = all_tokens()
        done = threading.Event()
        outcomes = []

        def searcher():
            try:
                while not done.is_set():
                    results = search(SearchParams(q="shelter note"), tokens)
                    outcomes.append((results.backend, results.total))
            finally:
                connection.close()  # this thread's own connection, if it opened one

        thread = threading.Thread(target=searcher)
        thread.start()
        try:
            rebuild.rebuild(chunk_size=25)
        finally:
            done.set()
            thread.join(30)
    assert len(outcomes) > 5
    assert all(backend == "elasticsearch" for backend, _ in outcomes)
    assert all(total == 400 for _, total in outcomes), {t for _, t in outcomes}


def test_a_second_rebuild_is_refused_while_one_fills_its_index(es_index, test_sources):
    """The running rebuild is another database session holding the rebuild
    lock (two rebuilds at once would each delete the other's index). Once
    that session is gone (the rebuild crashed), the next rebuild removes the
    index it left, without --force (tests/search/test_drills_killed_rebuild.py
    kills a real one)."""
    client = get_client()
    client.indices.create(
        index=f"{es_index}-stale", aliases={index.next_alias_name(): {}}, **index.index_body()
    )
    running = connection.copy()
    try:
        with running.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [rebuild.lock_key()])
        with pytest.raises(CommandError, match="Another rebuild"):
            call_command("search_index", "rebuild", stdout=StringIO())
        with pytest.raises(CommandError, match="Another rebuild"):
            call_command("search_index", "rebuild", "--force", stdout=StringIO())
        assert client.indices.exists(index=f"{es_index}-stale")
    finally:
        running.close()
    out = StringIO()
    call_command("search_index", "rebuild", stdout=out)
    assert f"interrupted rebuild: {es_index}-stale" in out.getvalue()
    assert not client.indices.exists(index=f"{es_index}-stale")


def test_documents_elasticsearch_refuses_during_a_rebuild_are_queued_the_rest_go_live(
    es_index, test_sources, monkeypatch
):
    """Chunks of two, several requests in flight: each refusal is reported
    and queued for the worker however late its answer comes back."""
    notes = make_notes(9)
    refused = {notes[1].pk, notes[6].pk}
    document = index.document

    def with_a_field_the_mapping_refuses(entry, version):
        body = document(entry, version)
        if entry.kind == "note" and int(entry.object_id) in refused:
            body["not_in_the_mapping"] = "x"  # the mapping is strict: a 400 for this one
        return body

    monkeypatch.setattr(index, "document", with_a_field_the_mapping_refuses)
    report = rebuild.rebuild(chunk_size=2)
    assert set(report.failures) == {f"note-{pk}" for pk in refused}
    assert all("strict_dynamic_mapping" in error for error in report.failures.values())
    assert set(PendingIndexOperation.objects.values_list("kind", "object_id")) == {
        ("note", str(pk)) for pk in refused
    }
    assert indexed_titles(all_tokens(), "shelter") == {n.name for n in notes if n.pk not in refused}


def test_rebuild_command_reports_progress_and_counts(es_index, test_sources):
    make_notes(5)
    out = StringIO()
    call_command("search_index", "rebuild", stdout=out)
    text = out.getvalue()
    assert "note" in text and "100%" in text
    assert "5 documents" in text or "documents in" in text
    assert f"is live behind alias {es_index}" in text


def test_status_shows_queue_counts_alias_and_reachability(es_index, test_sources):
    make_notes(2)
    rebuild.rebuild()
    make_workspace(name="Queued change")
    out = StringIO()
    call_command("search_index", "status", stdout=out)
    text = out.getvalue()
    assert "reachable, version 8." in text
    assert f"points at: {es_index}-" in text
    assert "Queue: 1 pending" in text
    lines = [line.split() for line in text.splitlines() if line.startswith("note ")]
    assert lines and lines[0][-3:] == ["3", "2", "2"]  # objects, mirror, index
    PendingIndexOperation.objects.update(attempts=1, last_error="ConnectionError: refused")
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("search_index", "status", "--check", stdout=out)
    assert "last error: ConnectionError: refused" in out.getvalue()
    PendingIndexOperation.objects.update(next_attempt_at=timezone.now())
    queue.drain()
    out = StringIO()
    call_command("search_index", "status", "--check", stdout=out)
    assert "In step." in out.getvalue()


def test_status_asks_for_a_rebuild_when_the_analyzers_change(settings, es_index, test_sources):
    settings.SEARCH_ANALYZERS = {**settings.SEARCH_ANALYZERS, "ru": "simple"}
    out = StringIO()
    call_command("search_index", "status", stdout=out)
    assert "another mapping or analyzers: rebuild it" in out.getvalue()
    rebuild.rebuild()
    mapping = get_client().indices.get_mapping(index=index.alias_name())
    properties = next(iter(mapping.values()))["mappings"]["properties"]
    assert properties["title"]["fields"]["ru"]["analyzer"] == "simple"
    # Queries and highlighting use the language sub-fields too.
    queue.index_entries(
        [
            SearchEntry(
                kind="note",
                object_id="77",
                title="Приют в Андижане",
                url="/77/",
                audiences=(PUBLIC,),
                language="ru",
            )
        ],
        refresh=True,
    )
    results = search(SearchParams(q="андижане"), {PUBLIC})
    assert [h.title_html for h in results.hits] == ["Приют в <mark>Андижане</mark>"]
    out = StringIO()
    call_command("search_index", "status", stdout=out)
    assert "rebuild it" not in out.getvalue()


def test_status_says_when_elasticsearch_is_unreachable(settings, es_prefix, test_sources):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # discard port: refused
    out = StringIO()
    call_command("search_index", "status", stdout=out)
    assert "NOT reachable" in out.getvalue()
    assert "database fallback" in out.getvalue()


def test_rebuild_without_elasticsearch_fills_the_mirror(settings, test_sources):
    settings.ELASTICSEARCH_URL = ""
    make_notes(3)
    out = StringIO()
    call_command("search_index", "rebuild", stdout=out)
    assert "the database mirror" in out.getvalue()
    assert SearchRecord.objects.live().filter(kind="note").count() == 3


def test_worker_stops_cleanly_on_sigterm(es_index, test_sources):
    make_workspace(name="Worker note")
    timer = threading.Timer(1.5, os.kill, args=(os.getpid(), signal.SIGTERM))
    timer.start()
    out = StringIO()
    started = timezone.now()
    call_command("search_index", "worker", stdout=out)
    timer.join()
    assert "Search worker stopped." in out.getvalue()
    assert (timezone.now() - started).total_seconds() < 10
    assert not PendingIndexOperation.objects.exists()
    # The previous handler is back: pytest still handles signals as before.
    assert signal.getsignal(signal.SIGTERM) is not None
