"""Keeping the index in step: changes queue inside their transaction, are
applied after commit from what the database says, and never go backwards."""

import pytest
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from portal.members.models import Workspace
from portal.search import index, mirror, queue
from portal.search.client import get_client
from portal.search.models import PendingIndexOperation, SearchRecord
from portal.search.registry import SearchEntry, SearchSource, registry
from portal.search.versions import next_version
from tests.factories import make_workspace

from .conftest import AnyPageSource, WorkspaceNoteSource, refresh

pytestmark = pytest.mark.django_db


def indexed(doc_id):
    """The document as Elasticsearch has it, or None."""
    client = get_client()
    refresh()
    response = client.options(ignore_status=404).get(index=index.alias_name(), id=doc_id)
    return response.get("_source") if response.get("found") else None


def pending():
    return set(PendingIndexOperation.objects.values_list("kind", "object_id"))


def test_saving_a_workspace_queues_its_document_inside_the_transaction(es_index, test_sources):
    with transaction.atomic():
        workspace = make_workspace(name="Osh shelters")
        assert ("note", str(workspace.pk)) in pending()
        transaction.set_rollback(True)
    # Rolled back with the change: nothing to index.
    assert ("note", str(workspace.pk)) not in pending()


def test_committed_change_is_indexed_right_after_commit(
    es_index, test_sources, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workspace = make_workspace(name="Andijan shelters", description="Beds for survivors")
    doc = indexed(f"note-{workspace.pk}")
    assert doc["title"] == "Andijan shelters"
    assert doc["audiences"] == [f"workspace:{workspace.pk}"]
    assert SearchRecord.objects.get(doc_id=f"note-{workspace.pk}").body == "Beds for survivors"
    assert pending() == set()


def test_repeated_edits_coalesce_into_one_queued_row(es_index, test_sources):
    workspace = make_workspace(name="First")
    for name in ("Second", "Third", "Fourth"):
        workspace.name = name
        workspace.save()
    assert (
        PendingIndexOperation.objects.filter(kind="note", object_id=str(workspace.pk)).count() == 1
    )
    queue.drain()
    assert indexed(f"note-{workspace.pk}")["title"] == "Fourth"


def test_deleting_the_object_removes_its_document(
    es_index, test_sources, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workspace = make_workspace(name="Temporary")
    pk = workspace.pk
    assert indexed(f"note-{pk}") is not None
    with django_capture_on_commit_callbacks(execute=True):
        Workspace.objects.filter(pk=pk).delete()
    assert indexed(f"note-{pk}") is None
    assert not SearchRecord.objects.live().filter(doc_id=f"note-{pk}").exists()


def test_entry_none_removes_the_document(
    es_index, test_sources, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workspace = make_workspace(name="Soon archived")
    with django_capture_on_commit_callbacks(execute=True):
        workspace.archived_at = timezone.now()
        workspace.save()
    assert indexed(f"note-{workspace.pk}") is None


def test_an_edit_during_processing_is_not_dropped(es_index, test_sources):
    workspace = make_workspace(name="Before")
    rows = queue.claim()
    # The edit lands after the claim: the processor read "Before"'s row, the
    # row must survive processing and bring "After" to the index.
    Workspace.objects.filter(pk=workspace.pk).update(name="After")
    queue.enqueue([("note", str(workspace.pk))], process=False)
    queue.process(rows)
    assert ("note", str(workspace.pk)) in pending()
    queue.drain()
    assert indexed(f"note-{workspace.pk}")["title"] == "After"
    assert pending() == set()


def test_an_older_write_arriving_late_never_overwrites_a_newer_one(es_index, test_sources):
    workspace = make_workspace(name="Old name")
    source = registry.get("note")
    stale_version = next_version()
    stale_entry = source.entry_for(workspace)  # read with the older version
    workspace.name = "New name"
    workspace.save()
    queue.drain()
    # The slow writer finally writes what it read earlier.
    index.bulk_write(get_client(), index.alias_name(), [stale_entry], (), stale_version)
    mirror.write({stale_entry.doc_id: stale_entry}, set(), stale_version)
    assert indexed(f"note-{workspace.pk}")["title"] == "New name"
    assert SearchRecord.objects.get(doc_id=f"note-{workspace.pk}").title == "New name"


def test_a_late_write_cannot_bring_back_a_deleted_document(es_index, test_sources):
    workspace = make_workspace(name="Deleted soon")
    source = registry.get("note")
    stale_version = next_version()
    stale_entry = source.entry_for(workspace)
    pk = workspace.pk
    Workspace.objects.filter(pk=pk).delete()
    queue.drain()
    index.bulk_write(get_client(), index.alias_name(), [stale_entry], (), stale_version)
    mirror.write({stale_entry.doc_id: stale_entry}, set(), stale_version)
    assert indexed(f"note-{pk}") is None
    assert not SearchRecord.objects.live().filter(doc_id=f"note-{pk}").exists()


class BrokenSource(SearchSource):
    kind = "broken"
    label = "Broken"
    model = Workspace

    def entry_for(self, workspace):
        if "bad" in workspace.name:
            raise ValueError("cannot describe this one")
        return SearchEntry(
            kind=self.kind,
            object_id=str(workspace.pk),
            title=workspace.name,
            url="javascript:alert(1)" if "js" in workspace.name else "/ok/",
            audiences=("public",),
        )


def test_a_failing_source_keeps_its_row_with_the_error_and_others_go_through(es_index):
    with registry.only(BrokenSource()):
        good = make_workspace(name="good one")
        bad = make_workspace(name="fine at first")
        script = make_workspace(name="js one")
        first = queue.drain()
        assert (first.done, first.failed) == (2, 1)  # the javascript: URL is refused
        assert indexed(f"broken-{bad.pk}")["title"] == "fine at first"
        bad.name = "bad now"
        bad.save()
        second = queue.drain()
    assert (second.done, second.failed) == (0, 1)
    rows = {r.object_id: r for r in PendingIndexOperation.objects.filter(kind="broken")}
    assert set(rows) == {str(bad.pk), str(script.pk)}
    assert "cannot describe" in rows[str(bad.pk)].last_error
    assert "neither site-relative nor http" in rows[str(script.pk)].last_error
    assert all(r.attempts >= 1 and r.next_attempt_at > timezone.now() for r in rows.values())
    assert indexed(f"broken-{good.pk}")["title"] == "good one"
    assert indexed(f"broken-{script.pk}") is None
    # Fail closed: the document its source can no longer describe is gone.
    assert indexed(f"broken-{bad.pk}") is None
    assert not SearchRecord.objects.live().filter(doc_id=f"broken-{bad.pk}").exists()


def test_documents_of_an_unregistered_kind_are_removed(es_index, test_sources):
    queue.index_entries(
        [
            SearchEntry(
                kind="gone", object_id="1", title="Old kind", url="/x/", audiences=("public",)
            )
        ]
    )
    queue.enqueue([("gone", "1")], process=False)
    queue.drain()
    assert indexed("gone-1") is None


class WatchingSource(WorkspaceNoteSource):
    """Re-indexes a workspace's note when one of its pages changes (a stand-in
    for "a report changes when its case records change")."""

    kind = "watching"
    watch = {Page: lambda page: Workspace.objects.filter(slug=page.slug)}

    def entry_for(self, workspace):
        entry = super().entry_for(workspace)
        pages = Page.objects.filter(slug=workspace.slug).values_list("title", flat=True)
        return SearchEntry(
            kind=self.kind,
            object_id=entry.object_id,
            title=entry.title,
            body=" ".join(pages),
            url=entry.url,
            audiences=entry.audiences,
        )


def test_a_change_of_a_watched_model_reindexes_the_root_object(
    es_index, site_root, django_capture_on_commit_callbacks
):
    with registry.only(WatchingSource()):
        with django_capture_on_commit_callbacks(execute=True):
            workspace = make_workspace(slug="linked", name="Linked workspace")
        assert indexed(f"watching-{workspace.pk}")["body"] == ""
        with django_capture_on_commit_callbacks(execute=True):
            site_root.add_child(instance=Page(title="Border crossing notes", slug="linked"))
        assert indexed(f"watching-{workspace.pk}")["body"] == "Border crossing notes"


def _publish_child(parent, title, slug):
    page = parent.add_child(instance=Page(title=title, slug=slug))
    page.save_revision().publish()
    return page


def test_publish_unpublish_and_restriction_follow_the_page_tree(
    es_index, test_sources, site_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        section = _publish_child(site_root, "Guides section", "guides")
        guide = _publish_child(section, "Guide for lawyers", "lawyers")
    assert indexed(f"page-{guide.pk}")["audiences"] == ["public"]

    # A restriction on the section takes the section and everything under it out.
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=section, restriction_type=PageViewRestriction.LOGIN
        )
    assert indexed(f"page-{section.pk}") is None
    assert indexed(f"page-{guide.pk}") is None

    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert indexed(f"page-{guide.pk}")["title"] == "Guide for lawyers"

    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=guide.pk).unpublish()
    assert indexed(f"page-{guide.pk}") is None


def test_moving_a_page_reindexes_its_subtree_with_new_urls(
    es_index, test_sources, site_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        old_parent = _publish_child(site_root, "Old section", "old-section")
        new_parent = _publish_child(site_root, "New section", "new-section")
        moved = _publish_child(old_parent, "Moved", "moved")
        child = _publish_child(moved, "Child", "child")
    assert "/old-section/moved/child/" in indexed(f"page-{child.pk}")["url"]
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=moved.pk).move(new_parent, pos="last-child")
    assert "/new-section/moved/child/" in indexed(f"page-{child.pk}")["url"]


def test_page_slug_change_reindexes_descendant_urls(
    es_index, test_sources, site_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        parent = _publish_child(site_root, "Parent", "before")
        child = _publish_child(parent, "Child", "kid")
    with django_capture_on_commit_callbacks(execute=True):
        parent = Page.objects.get(pk=parent.pk)
        parent.slug = "after"
        parent.save_revision().publish()
    assert "/after/kid/" in indexed(f"page-{child.pk}")["url"]


def test_more_specific_source_wins_for_a_page_type(es_index, site_root):
    from portal.home.models import HomePage

    class HomeSource(AnyPageSource):
        kind = "home"
        model = HomePage

    with registry.only(AnyPageSource(), HomeSource()):
        home = HomePage(title="Home", slug="home-x", lead="Welcome")
        Page.get_first_root_node().add_child(instance=home)
        home.save_revision().publish()
        plain = _publish_child(site_root, "Plain", "plain")
        queue.drain()
        from portal.search.objects import source_queryset

        page_ids = set(source_queryset(registry.get("page")).values_list("pk", flat=True))
    assert home.pk not in page_ids
    assert plain.pk in page_ids
    assert indexed(f"page-{home.pk}") is None
    assert indexed(f"page-{plain.pk}") is not None


def test_entries_with_invalid_audience_tokens_are_refused(es_index):
    bad = SearchEntry(kind="x", object_id="1", title="Typo", url="/x/", audiences=("pubic",))
    with pytest.raises(ValueError, match="audience"):
        queue.index_entries([bad])
    assert indexed("x-1") is None


def test_without_elasticsearch_the_mirror_is_still_kept(
    settings, test_sources, django_capture_on_commit_callbacks
):
    settings.ELASTICSEARCH_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        workspace = make_workspace(name="Mirror only")
    assert SearchRecord.objects.get(doc_id=f"note-{workspace.pk}").title == "Mirror only"
    assert pending() == set()
