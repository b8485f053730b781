"""What each app tells search about its objects: the source contract.

Every searchable kind of object has one ``SearchSource``, defined in the app that
owns the model (``portal/<app>/search.py``) and registered from that app's
``AppConfig.ready()``::

    class ReportSource(SearchSource):
        kind = "report"
        label = _("Monitoring report")
        model = MonitoringReport
        watch = {CaseRecord: lambda record: [record.report]}

        def entry_for(self, report):
            return SearchEntry(kind=self.kind, object_id=str(report.pk), ...,
                               audiences=report.audiences())

    registry.register(ReportSource())

The search engine (portal/search) owns everything else: it watches the models,
queues index updates after the transaction commits, writes Elasticsearch and the
database fallback, and filters every query by the asker's audience tokens
(portal.core.audience). A source only says what a document looks like and who
may see it. ``entry_for`` returning None means "must not be in the index" (an
unpublished page, a deleted report): the engine removes it.

What the engine relies on:

- ``entry_for(obj)`` reads the object as the database has it now (it runs after
  the commit, in the web process or the worker) and must not raise for a
  normal object; an entry that fails the checks in portal.search.entries
  (audience tokens ``public``, ``network``, ``workspace:<id>``; a URL that is
  site-relative or http(s); plain text) is not indexed and stays queued with
  the error, visible in ``manage.py search_index status``.
- ``get_queryset()`` lists every object that may have a document (rebuild,
  status); ``get_objects(ids)`` loads some of them by ``object_id`` (an object
  it leaves out is removed from the index). Override both with
  ``object_id`` when a kind is not identified by its primary key.
- ``watch`` resolvers get the changed (or deleted) related instance and
  return root objects or their primary keys; any change of a watched model
  re-indexes those roots.
- A source for ``Page`` covers every page type without a source of its own.
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import models

from portal.core.audience import PUBLIC


@dataclass(frozen=True)
class SearchEntry:
    """One search document. Text fields hold plain text, never HTML."""

    kind: str
    object_id: str
    title: str
    url: str
    audiences: tuple[str, ...]
    body: str = ""
    language: str = ""  # "ru", "en"… or "" when the object has no language
    countries: tuple[str, ...] = ()  # ISO 3166 alpha-2, upper case
    date: datetime.datetime | datetime.date | None = None
    workspace_id: int | None = None
    extra: dict = field(default_factory=dict)
    # Filled in by portal.search.entries.clean (portal.search.analysis): the
    # folded words and their stems, space-separated, that every backend
    # matches on. Sources leave them empty.
    title_words: str = ""
    body_words: str = ""
    title_stems: str = ""
    body_stems: str = ""

    @property
    def doc_id(self):
        return f"{self.kind}-{self.object_id}"

    @property
    def year(self):
        return self.date.year if self.date else None

    def __post_init__(self):
        if not self.audiences:
            raise ValueError(f"{self.doc_id}: a search entry needs at least one audience")


class SearchSource:
    """Base class: one per searchable kind."""

    kind: str = ""  # stable id: document-id prefix and the "kind" facet value
    label = ""  # human name of the kind, shown on results
    model: type[models.Model] | None = None
    # Related models whose change changes this kind's documents: model -> function
    # returning the affected root objects (or primary keys) of ``model``.
    watch: dict = {}

    def get_queryset(self):
        """Every object that may have a document (rebuild and status iterate it)."""
        return self.model._default_manager.all()

    def entry_for(self, obj) -> SearchEntry | None:
        raise NotImplementedError

    def object_id(self, obj):
        return str(obj.pk)

    def get_objects(self, object_ids):
        """{object_id: object} for those of ``object_ids`` that may still have a
        document; missing ids are removed from the index. Override together
        with ``object_id`` when a kind is not identified by its primary key."""
        objects = self.get_queryset().filter(pk__in=list(object_ids))
        return {self.object_id(obj): obj for obj in objects}

    def models_to_watch(self):
        """Every concrete model whose saves and deletes concern this source:
        its own model and subclasses (page types under a generic page source)
        and the ``watch`` models."""
        return [self.model, *self.watch]


class PageSource(SearchSource):
    """Wagtail pages: indexed only when live and without any view restriction on
    the page or an ancestor (private pages must not leak titles into search)."""

    def get_queryset(self):
        return self.model.objects.live().public().select_related("locale")

    def get_objects(self, object_ids):
        pages = self.get_queryset().filter(pk__in=list(object_ids)).specific()
        return {self.object_id(page): page for page in pages}

    def entry_for(self, page):
        page = page.specific
        if not page.live or page.get_view_restrictions().exists():
            return None
        url = page.get_url()
        if not url:
            return None
        return SearchEntry(
            kind=self.kind,
            object_id=str(page.pk),
            title=page.title,
            url=url,
            audiences=(PUBLIC,),
            body=self.body_for(page),
            language=page.locale.language_code,
            countries=tuple(self.countries_for(page)),
            date=self.date_for(page),
            extra=self.extra_for(page),
        )

    # Hooks for subclasses.
    def body_for(self, page):
        return page.search_description or ""

    def countries_for(self, page):
        return ()

    def date_for(self, page):
        return page.first_published_at

    def extra_for(self, page):
        return {}


class Registry:
    def __init__(self):
        self._sources = {}
        self._listeners = []

    def register(self, source):
        if not source.kind:
            raise ValueError(f"{type(source).__name__} has no kind")
        if source.kind in self._sources and type(self._sources[source.kind]) is not type(source):
            raise ValueError(f"search kind {source.kind!r} is registered twice")
        self._sources[source.kind] = source
        for listener in self._listeners:
            listener(source)
        return source

    def unregister(self, kind):
        """Forget a kind (tests, or an app switched off); its documents stay in
        the index until the next rebuild."""
        return self._sources.pop(kind, None)

    def on_register(self, listener):
        """Call ``listener(source)`` for every source registered now and later
        (the engine connects its signal receivers this way)."""
        self._listeners.append(listener)
        for source in list(self._sources.values()):
            listener(source)

    @contextmanager
    def only(self, *sources):
        """Within the block, exactly ``sources`` are registered (tests that need
        a known set of kinds whatever the apps register)."""
        saved = dict(self._sources)
        self._sources.clear()
        try:
            for source in sources:
                self.register(source)
            yield self
        finally:
            self._sources.clear()
            self._sources.update(saved)

    def get(self, kind, *default):
        """The source of ``kind``; KeyError when unknown, unless a default is given."""
        if default:
            return self._sources.get(kind, default[0])
        return self._sources[kind]

    def __contains__(self, kind):
        return kind in self._sources

    def __iter__(self):
        return iter(self._sources.values())

    def kinds(self):
        return list(self._sources)

    def source_for_model(self, model):
        """The most specific source for ``model``: its own, else the nearest
        ancestor's (a page type without a source of its own falls back to the
        generic page source). None when nothing indexes it."""
        by_model = {s.model: s for s in self._sources.values()}
        for klass in model.__mro__:
            if klass in by_model:
                return by_model[klass]
        return None

    def sources_watching(self, model):
        """(source, resolver) pairs for sources that re-index when ``model`` changes."""
        return [
            (source, resolver)
            for source in self._sources.values()
            for watched, resolver in source.watch.items()
            if issubclass(model, watched)
        ]


registry = Registry()
register = registry.register
