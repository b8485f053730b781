"""The Elasticsearch side: mapping, versioned indices behind an alias, writes.

Layout, for a prefix P (settings.SEARCH_INDEX_PREFIX):

- ``P`` is an alias over exactly one index; every search reads it.
- ``P-<timestamp>`` are the indices; a rebuild writes a new one and moves the
  alias in one atomic call, so searches never see a half-built index.
- ``P-next`` is an alias over the index a rebuild is filling. Index writes go
  to it as well while it exists, so edits made during a rebuild are in the new
  index when the alias moves.

Every document is written with an external version (portal.search.versions):
Elasticsearch keeps the write with the highest number, whatever order writers
finish in. Writes name the aliases with ``require_alias``, so a write racing a
rebuild can never create a stray index by accident.
"""

import collections
import functools
import hashlib
import json
import logging
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.utils import timezone
from elasticsearch.dsl import Date, Integer, Keyword, Long, Mapping, Object, Text

from .client import get_client

logger = logging.getLogger(__name__)

# Change when the mapping changes in a way old indices cannot serve;
# `search_index status` then asks for a rebuild.
MAPPING_REVISION = 2

# A late write older than this is refused (and retried with fresh data): it
# keeps any stale write well inside the time Elasticsearch remembers deletions
# (index.gc_deletes below), so a deleted document cannot come back.
MAX_WRITE_DELAY_SECONDS = 600
GC_DELETES = "1h"

TITLE_BOOST = 4
ANALYSED_FIELDS = ("title_stems", "body_stems", "words", "title_words")
RESULT_WINDOW = 10_000  # Elasticsearch's index.max_result_window


def alias_name():
    return settings.SEARCH_INDEX_PREFIX


def next_alias_name():
    return f"{settings.SEARCH_INDEX_PREFIX}-next"


def new_index_name():
    return f"{settings.SEARCH_INDEX_PREFIX}-{timezone.now():%Y%m%d%H%M%S%f}"


def initial_index_name():
    return f"{settings.SEARCH_INDEX_PREFIX}-initial"


def language_analyzers():
    """{language: analyzer} for languages whose analyzer differs from the
    default: those get sub-fields (``title.ru``…) that add to the ranking
    where the cluster has language analyzers. With every analyzer "standard"
    (the tests' server) no sub-field is made."""
    default = settings.SEARCH_ANALYZERS["default"]
    return {
        language: analyzer
        for language, analyzer in settings.SEARCH_ANALYZERS.items()
        if language != "default" and analyzer != default
    }


def _shown_text(**extra_fields):
    """Title and body as written: kept for the results page, and matched only
    through a cluster's language analyzers, when configured."""
    fields = {lang: Text(analyzer=analyzer) for lang, analyzer in language_analyzers().items()}
    fields.update(extra_fields)
    return Text(index=False, fields=fields) if fields else Text(index=False)


def _tokens(**options):
    # The stems arrive analysed (portal.search.analysis): the whitespace
    # analyzer, built into every Elasticsearch, only splits them.
    return Text(analyzer="whitespace", **options)


def mapping():
    m = Mapping()
    m.meta("dynamic", "strict")
    # The analysed fields are made from title and body at every write: kept
    # out of the stored source, which then holds only what results show.
    m.meta("_source", excludes=list(ANALYSED_FIELDS))
    m.field("kind", Keyword())
    m.field("object_id", Keyword())
    m.field("title", _shown_text())
    m.field("body", _shown_text())
    # A document matches when every word of the query is in its title or
    # body stems (one combined_fields query over both); the title's weight
    # ranks it. Positions are kept for phrases.
    m.field("title_stems", _tokens())
    m.field("body_stems", _tokens())
    # Every folded word, unstemmed, only to tolerate typos: a typo in an
    # ending keeps the stemmer from removing it ("recruitmnet"). Existence
    # is all a fuzzy match needs: no frequencies, positions or norms.
    m.field("words", _tokens(index_options="docs", norms=False))
    # The title's folded words, with prefixes indexed: the autocomplete's
    # last, half-typed word is a cheap term lookup.
    m.field("title_words", _tokens(index_prefixes={"min_chars": 1, "max_chars": 10}))
    m.field("url", Keyword(index=False, doc_values=False))
    m.field("audiences", Keyword())
    m.field("language", Keyword())
    m.field("countries", Keyword())
    m.field("year", Integer())
    m.field("date", Date())
    m.field("workspace_id", Long())
    m.field("version", Long())
    m.field("extra", Object(enabled=False))
    return m.to_dict()


def mapping_fingerprint():
    """Changes when the mapping or its analyzers change."""
    payload = json.dumps([MAPPING_REVISION, mapping()], sort_keys=True).encode()
    return hashlib.sha256(payload).hexdigest()[:16]


def index_body(*, loading=False):
    body = {
        "settings": {
            "number_of_shards": settings.SEARCH_INDEX_SHARDS,
            # One replica once a second node exists; none on a single node
            # (where a replica could never be assigned and health stays yellow).
            "auto_expand_replicas": "0-1",
            "gc_deletes": GC_DELETES,
            "max_result_window": RESULT_WINDOW,
        },
        "mappings": mapping(),
    }
    body["mappings"]["_meta"] = {
        "portal_search_prefix": settings.SEARCH_INDEX_PREFIX,
        "mapping": mapping_fingerprint(),
        "created_at": timezone.now().isoformat(),
    }
    if loading:
        # A bulk load is much faster without refreshes, replicas and a disk
        # sync per request; all three are restored before the index goes live
        # (an index lost half-filled is thrown away and rebuilt anyway).
        body["settings"]["refresh_interval"] = "-1"
        body["settings"]["auto_expand_replicas"] = False
        body["settings"]["number_of_replicas"] = 0
        body["settings"]["translog.durability"] = "async"
    return body


def indices_behind(alias, client=None):
    client = client or get_client()
    if not client.indices.exists_alias(name=alias):
        return []
    return sorted(client.indices.get_alias(name=alias))


def our_indices(client=None):
    """{index: meta} of every index made for this prefix (by its _meta, not its
    name, so another installation's similar prefix is never touched)."""
    client = client or get_client()
    found = client.indices.get_mapping(
        index=f"{settings.SEARCH_INDEX_PREFIX}-*", allow_no_indices=True, expand_wildcards="open"
    )
    result = {}
    for name, body in found.items():
        meta = (body.get("mappings") or {}).get("_meta") or {}
        if meta.get("portal_search_prefix") == settings.SEARCH_INDEX_PREFIX:
            result[name] = meta
    return result


def ensure_index(client=None):
    """Make sure the alias exists; True when it had to be created (the caller
    then queues every object, since the new index is empty).

    The first index has a fixed name and gets its alias in the same request, so
    two processes starting at once cannot make two indices behind the alias.
    """
    client = client or get_client()
    if client.indices.exists_alias(name=alias_name()):
        return False
    body = index_body()
    body["aliases"] = {alias_name(): {}}
    response = client.options(ignore_status=400).indices.create(index=initial_index_name(), **body)
    if response.get("acknowledged"):
        logger.warning(
            "search: created the empty index %s; every object is queued for indexing",
            initial_index_name(),
        )
        return True
    if client.indices.exists_alias(name=alias_name()):
        return False  # another process made it first
    raise RuntimeError(
        f"could not create the search index {initial_index_name()}: {response.get('error')}"
    )


def existing_aliases(client=None):
    """Which of the live and the rebuild's alias exist, in one request."""
    client = client or get_client()
    response = client.options(ignore_status=404).indices.get_alias(
        name=f"{alias_name()},{next_alias_name()}"
    )
    wanted = {alias_name(), next_alias_name()}
    found = set()
    for name, body in response.items():
        if isinstance(body, dict) and name not in ("error", "status"):
            found.update(set(body.get("aliases", {})) & wanted)
    return found


def write_targets(aliases):
    """Aliases every write must go to, given ``existing_aliases()``: the
    rebuild's first, then the live one.

    That order matters: if the rebuild's alias is gone by the time we write to
    it, the rebuild finished and the live alias already points at the new
    index, which the second write then reaches.
    """
    targets = [next_alias_name()] if next_alias_name() in aliases else []
    return [*targets, alias_name()]


def document(entry, version):
    """The Elasticsearch source of an (already cleaned) entry."""
    return {
        "kind": entry.kind,
        "object_id": entry.object_id,
        "title": entry.title,
        "body": entry.body,
        "title_stems": entry.title_stems,
        "body_stems": entry.body_stems,
        "title_words": entry.title_words,
        "words": f"{entry.title_words} {entry.body_words}",
        "url": entry.url,
        "audiences": list(entry.audiences),
        "language": entry.language or None,  # no empty "language" facet value
        "countries": list(entry.countries),
        "year": entry.year,
        "date": entry.date.isoformat() if entry.date else None,
        "workspace_id": entry.workspace_id,
        "version": version,
        "extra": entry.extra,
    }


class BulkResult:
    def __init__(self):
        self.errors = {}  # doc_id -> error text
        self.failed = {}  # doc_id -> (kind, object id) of each entry that failed

    @property
    def ok(self):
        return not self.errors

    def add(self, other):
        self.errors.update(other.errors)
        self.failed.update(other.failed)
        return self


def bulk_write(client, index, entries, deletes, version, *, require_alias=True, refresh=False):
    """Index ``entries`` and delete ``deletes`` (doc ids) in ``index`` with
    external ``version``. A version conflict means a newer write is already
    there: success. Returns the per-document errors; raises when the request
    itself fails (Elasticsearch unreachable)."""
    operations, sources = [], {}
    for entry in entries:
        sources[entry.doc_id] = (entry.kind, entry.object_id)
        operations.append(
            {
                "index": {
                    "_index": index,
                    "_id": entry.doc_id,
                    "version": version,
                    "version_type": "external",
                }
            }
        )
        operations.append(document(entry, version))
    for doc_id in deletes:
        operations.append(
            {
                "delete": {
                    "_index": index,
                    "_id": doc_id,
                    "version": version,
                    "version_type": "external",
                }
            }
        )
    result = BulkResult()
    if not operations:
        return result
    response = client.bulk(
        operations=operations,
        require_alias=require_alias or None,
        refresh=refresh or None,
    )
    if not response.get("errors"):
        return result
    for item in response["items"]:
        ((action, outcome),) = item.items()
        status = outcome.get("status", 200)
        if status < 300 or status == 409:
            continue  # 409: a newer version is already there
        if action == "delete" and outcome.get("result") == "not_found":
            continue
        error = outcome.get("error") or {}
        doc_id = outcome.get("_id")
        result.errors[doc_id] = f"{error.get('type', status)}: {error.get('reason', '')}"
        if action == "index" and doc_id in sources:
            result.failed[doc_id] = sources[doc_id]
    return result


class BackgroundBulk:
    """bulk_write on threads of its own, up to ``in_flight`` requests at once:
    the caller reads and analyses the next chunk while Elasticsearch indexes
    the ones before. Two in flight keep two of the node's write threads busy
    on one shard (measured on a 2-core node: about 1.5x the documents per
    second of one). ``send`` returns the BulkResult of the requests it had to
    wait for; ``close`` waits for the rest."""

    def __init__(self, client, index, version, *, require_alias=True, in_flight=2):
        self._write = functools.partial(
            bulk_write, client, index, deletes=(), version=version, require_alias=require_alias
        )
        self._in_flight = max(1, in_flight)
        self._pool = ThreadPoolExecutor(
            max_workers=self._in_flight, thread_name_prefix="search-bulk"
        )
        self._pending = collections.deque()

    def send(self, entries):
        result = BulkResult()
        while len(self._pending) >= self._in_flight:
            result.add(self._pending.popleft().result())
        self._pending.append(self._pool.submit(self._write, list(entries)))
        return result

    def close(self):
        result = BulkResult()
        try:
            while self._pending:
                result.add(self._pending.popleft().result())
            return result
        finally:
            self._pool.shutdown(wait=True)


def refresh(client=None):
    client = client or get_client()
    client.indices.refresh(index=alias_name())
