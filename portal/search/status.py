"""What `manage.py search_index status` reports, as data."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from . import index, mirror, queue
from .client import ELASTICSEARCH_ERRORS, get_client, server_version
from .objects import source_queryset
from .registry import registry
from .versions import current_version

QUEUE_DELAY_ALERT_SECONDS = 300


@dataclass
class KindStatus:
    kind: str
    label: str
    objects: int | None  # objects that may have a document (the sources' querysets)
    mirror: int
    index: int | None

    @property
    def in_step(self):
        return self.index is None or self.index == self.mirror


@dataclass
class Status:
    configured: bool
    reachable: bool = False
    server: str = ""
    error: str = ""
    alias: str = ""
    alias_targets: list = field(default_factory=list)
    rebuilding: list = field(default_factory=list)
    mapping_current: bool | None = None
    index_ahead_of_database: bool = False
    queue: dict = field(default_factory=dict)
    kinds: list = field(default_factory=list)

    @property
    def healthy(self):
        """For monitoring: reachable, nothing failing, nothing waiting long.
        (A busy portal always has a few fresh rows in the queue.)"""
        es_ok = not self.configured or (
            self.reachable and bool(self.alias_targets) and self.mapping_current is not False
        )
        oldest = self.queue.get("oldest")
        waiting_long = oldest is not None and (timezone.now() - oldest).total_seconds() > (
            QUEUE_DELAY_ALERT_SECONDS
        )
        return (
            es_ok
            and not self.index_ahead_of_database
            and self.queue.get("failing", 0) == 0
            and not waiting_long
            and all(k.in_step for k in self.kinds)
        )


def collect():
    client = get_client()
    status = Status(configured=client is not None, alias=index.alias_name())
    status.queue = queue.stats()
    index_counts = None
    if client is not None:
        try:
            status.server = server_version(client)
            status.reachable = True
            status.alias_targets = index.indices_behind(index.alias_name(), client)
            status.rebuilding = index.indices_behind(index.next_alias_name(), client)
            if status.alias_targets:
                index_counts, max_version, fingerprint = _index_facts(client)
                status.mapping_current = fingerprint == index.mapping_fingerprint()
                status.index_ahead_of_database = max_version > current_version()
        except ELASTICSEARCH_ERRORS as exc:
            status.error = f"{type(exc).__name__}: {exc}"
            status.reachable = False
    mirror_counts = mirror.counts_by_kind()
    kinds = list(registry.kinds())
    kinds += sorted(set(mirror_counts) - set(kinds))
    kinds += sorted(set(index_counts or {}) - set(kinds))
    for kind in kinds:
        source = registry.get(kind, None)
        status.kinds.append(
            KindStatus(
                kind=kind,
                label=str(source.label) if source else "(not registered)",
                objects=source_queryset(source).count()
                if source and source.model is not None
                else None,
                mirror=mirror_counts.get(kind, 0),
                index=(index_counts or {}).get(kind, 0) if index_counts is not None else None,
            )
        )
    return status


def _index_facts(client):
    # Searches see writes after a refresh (about a second); status should not
    # report a difference that is only that second.
    client.indices.refresh(index=index.alias_name())
    response = client.search(
        index=index.alias_name(),
        size=0,
        track_total_hits=True,
        aggs={
            "kinds": {"terms": {"field": "kind", "size": 1000}},
            "max_version": {"max": {"field": "version"}},
        },
    )
    counts = {b["key"]: b["doc_count"] for b in response["aggregations"]["kinds"]["buckets"]}
    max_version = int(response["aggregations"]["max_version"]["value"] or 0)
    target = next(iter(client.indices.get_mapping(index=index.alias_name()).values()))
    fingerprint = ((target.get("mappings") or {}).get("_meta") or {}).get("mapping")
    return counts, max_version, fingerprint


def settings_summary():
    return {
        "prefix": settings.SEARCH_INDEX_PREFIX,
        "analyzers": dict(settings.SEARCH_ANALYZERS),
        "url": settings.ELASTICSEARCH_URL or "(not configured: database search)",
    }
