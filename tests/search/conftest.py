"""Fixtures for the search tests: a private index per test and test sources.

Each test gets its own alias (SEARCH_INDEX_PREFIX plus a random suffix) on the
shared Elasticsearch, removed afterwards with every index behind it, so tests
never see each other's documents nor anyone else's. The registry holds exactly
the test sources during a test (registry.only), whatever the apps register.
"""

import pytest
from wagtail.models import Page, Site

from portal.core.audience import workspace_token
from portal.members.models import Workspace
from portal.search import index
from portal.search.client import get_client
from portal.search.registry import PageSource, SearchEntry, SearchSource, registry
from tests.search_indices import private_alias


class WorkspaceNoteSource(SearchSource):
    """A test kind over a real model: one document per workspace, visible to
    its members (like a report or a discussion)."""

    kind = "note"
    label = "Note"
    model = Workspace

    def entry_for(self, workspace):
        if workspace.archived_at is not None:
            return None
        return SearchEntry(
            kind=self.kind,
            object_id=str(workspace.pk),
            title=workspace.name,
            body=workspace.description,
            url=f"/workspaces/{workspace.slug}/",
            audiences=(workspace_token(workspace),),
            workspace_id=workspace.pk,
            date=workspace.created_at,
            language="en",
        )


class AnyPageSource(PageSource):
    kind = "page"
    label = "Page"
    model = Page


@pytest.fixture
def es_prefix(settings):
    """A fresh alias name for this test; everything made under it is removed."""
    with private_alias("t") as prefix:
        settings.SEARCH_INDEX_PREFIX = prefix
        yield prefix


@pytest.fixture
def es_index(es_prefix):
    """An empty live index behind this test's alias."""
    index.ensure_index()
    return es_prefix


@pytest.fixture
def test_sources():
    sources = (WorkspaceNoteSource(), AnyPageSource())
    with registry.only(*sources):
        yield {s.kind: s for s in sources}


@pytest.fixture
def site_root(db):
    """The default site's root page (Wagtail's initial page)."""
    return Site.objects.get(is_default_site=True).root_page


def refresh():
    get_client().indices.refresh(index=index.alias_name())


@pytest.fixture
def client():
    """The search page in English unless a test asks for another language
    (labels such as "Kyrgyzstan" are translated in Russian)."""
    from django.test import Client

    return Client(headers={"Accept-Language": "en"})
