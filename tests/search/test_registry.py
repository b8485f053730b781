"""The source contract other apps write against, and the checks on entries."""

import datetime

import pytest
from wagtail.models import Page, PageViewRestriction

from portal.home.models import HomePage
from portal.members.models import Workspace
from portal.search.entries import InvalidEntry, clean
from portal.search.objects import keys_for_instance
from portal.search.registry import PageSource, Registry, SearchEntry, SearchSource, registry

from .conftest import AnyPageSource


class WorkspaceSource(SearchSource):
    kind = "ws"
    model = Workspace


def entry(**fields):
    values = {
        "kind": "note",
        "object_id": "1",
        "title": "Title",
        "url": "/x/",
        "audiences": ("public",),
    }
    values.update(fields)
    return SearchEntry(**values)


def test_an_entry_needs_an_audience():
    with pytest.raises(ValueError, match="audience"):
        entry(audiences=())


def test_registering_a_second_source_for_a_kind_is_refused():
    local = Registry()
    local.register(WorkspaceSource())

    class Other(SearchSource):
        kind = "ws"
        model = Workspace

    with pytest.raises(ValueError, match="registered twice"):
        local.register(Other())
    with pytest.raises(ValueError, match="no kind"):
        local.register(SearchSource())


def test_get_raises_for_an_unknown_kind_unless_given_a_default():
    local = Registry()
    with pytest.raises(KeyError):
        local.get("nothing")
    assert local.get("nothing", None) is None


def test_most_specific_source_wins_and_page_types_fall_back_to_the_page_source():
    class HomeSource(PageSource):
        kind = "home"
        model = HomePage

    local = Registry()
    page_source, home_source = local.register(AnyPageSource()), local.register(HomeSource())
    assert local.source_for_model(HomePage) is home_source
    assert local.source_for_model(Page) is page_source
    local.unregister("home")
    assert local.source_for_model(HomePage) is page_source
    assert local.source_for_model(Workspace) is None


def test_only_replaces_the_registered_sources_for_a_block_and_restores_them():
    before = registry.kinds()
    with registry.only(WorkspaceSource()):
        assert registry.kinds() == ["ws"]
    assert registry.kinds() == before


def test_on_register_sees_existing_and_later_sources():
    local, seen = Registry(), []
    local.register(WorkspaceSource())
    local.on_register(lambda source: seen.append(source.kind))
    local.register(AnyPageSource())
    assert seen == ["ws", "page"]


def test_watched_model_changes_resolve_to_root_keys(db):
    class Watching(SearchSource):
        kind = "watch"
        model = Workspace
        watch = {Page: lambda page: [7, None]}

    with registry.only(Watching()):
        assert keys_for_instance(Page(pk=3, title="x")) == [("watch", "7")]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"audiences": ("pubic",)}, "audience"),
        ({"audiences": ("workspace:abc",)}, "audience"),
        ({"audiences": ("workspace:0",)}, "audience"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "//evil.example/"}, "url"),
        ({"countries": ("Kyrgyzstan",)}, "countries"),
        ({"language": "Russian"}, "language"),
        ({"title": "   "}, "title"),
        ({"extra": {"when": object()}}, "JSON"),
        ({"kind": "other"}, "kind"),
    ],
)
def test_entries_a_source_must_not_index_are_refused(fields, message):
    with pytest.raises(InvalidEntry, match=message):
        clean(entry(**fields), "note")


def test_clean_normalises_text_tokens_and_dates():
    cleaned = clean(
        entry(
            title="  Report\x00 on\n\n shelters \ue000 ",
            body="x" * 60_000,
            audiences=("workspace:3", "network", "workspace:3"),
            countries=("kg", "UZ"),
            language="RU",
            date=datetime.date(2024, 3, 1),
        ),
        "note",
    )
    assert cleaned.title == "Report on shelters"
    assert len(cleaned.body) == 50_000
    assert cleaned.audiences == ("network", "workspace:3")
    assert cleaned.countries == ("KG", "UZ")
    assert cleaned.language == "ru"
    assert cleaned.date.tzinfo is not None and cleaned.year == 2024


def test_page_source_leaves_out_restricted_and_unpublished_pages(db):
    root = Page.objects.get(depth=2)
    source = AnyPageSource()
    live = root.add_child(instance=Page(title="Open guide", slug="open"))
    live.save_revision().publish()
    hidden = live.add_child(instance=Page(title="Under a restriction", slug="hidden"))
    hidden.save_revision().publish()
    draft = root.add_child(instance=Page(title="Draft", slug="draft", live=False))
    assert source.entry_for(live).audiences == ("public",)
    PageViewRestriction.objects.create(page=live, restriction_type=PageViewRestriction.LOGIN)
    assert source.entry_for(Page.objects.get(pk=live.pk)) is None
    assert source.entry_for(Page.objects.get(pk=hidden.pk)) is None
    assert source.entry_for(draft) is None
    assert set(source.get_objects([str(live.pk), str(hidden.pk), str(draft.pk)])) == set()
