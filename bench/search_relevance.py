#!/usr/bin/env python
"""Search relevance (not a test): recall@10 and MRR of the portal's search over
the demo content, Elasticsearch and the database fallback side by side.

    eval "$(scripts/services.sh env)"
    DJANGO_SETTINGS_MODULE=portal.settings.test .venv/bin/python bench/search_relevance.py
    # options: --keep-db (leave the database and index for a look), --dump (list
    # the documents with the ids the queries use)

The queries are in bench/relevance_queries.json, written as people type them
(word forms, typos, е for ё, two-word phrases, a hotline, a place name). Each
names the documents that must come back as ``kind:slug@language`` (the last
segment of a public document's address) or ``kind:title`` (a workspace's
report, discussion or file), so the ids survive a reload of the demo. Queries
run as the anonymous public unless ``as`` names a demo account (a member). A
``restricted`` query uses words found only in documents its asker may not see
and scores 1 when none of them comes back. Any hit outside the asker's
audience, on any query, counts as a leak and is printed under the table.

It loads the demo (``manage.py load_demo``, with its index) into a database of
its own and asks ``/search/`` through Django's test client as the asker
(anonymous, or signed in), in the query's language: the site's own path (the
form, the asker's audience tokens, portal.search.query). The database fallback
is asked the same way with ELASTICSEARCH_URL emptied, as the site answers when
Elasticsearch is unavailable. The top 10 hits count.
"""

import argparse
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

from bench.common import commit, in_process_database, say  # noqa: E402

QUERIES = Path(__file__).resolve().parent / "relevance_queries.json"
TOP = 10
BACKENDS = ("elasticsearch", "database")
# Documents of a workspace: their addresses hold database ids, so the title names them.
WORKSPACE_KINDS = {"report", "discussion", "workspace", "workspace_file"}
ANONYMOUS = "anonymous"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep-db", action="store_true", help="keep the database and index")
    parser.add_argument("--dump", action="store_true", help="list the indexed documents")
    parser.add_argument("--queries", type=Path, default=QUERIES)
    return parser.parse_args()


def doc_key(hit):
    """``kind:slug@language`` of a public document, ``kind:title`` of a
    workspace's: stable across demo reloads."""
    if hit.kind in WORKSPACE_KINDS:
        return f"{hit.kind}:{hit.title}"
    segments = [s for s in urlsplit(hit.url).path.split("/") if s]
    slug = segments[-1] if segments else "/"
    return f"{hit.kind}:{slug}@{hit.language or '-'}"


def load_queries(path):
    queries = json.loads(path.read_text())
    for query in queries:
        missing = {"q", "lang", "kind", "expected"} - set(query)
        if missing:
            raise SystemExit(f"{path.name}: {query!r} lacks {sorted(missing)}")
    return queries


def ask(clients, query, backend):
    """The top hits of ``/search/?q=`` as the query's asker, via ``backend``:
    (keys, None), or (None, what went wrong)."""
    from django.test import override_settings

    client = clients[query.get("as", ANONYMOUS)]

    def get():
        return client.get(
            "/search/", {"q": query["q"]}, HTTP_ACCEPT_LANGUAGE=query["lang"], secure=True
        )

    if backend == "database":
        with override_settings(ELASTICSEARCH_URL=""):
            response = get()
    else:
        response = get()
    if response.status_code != 200:
        return None, f"HTTP {response.status_code}"
    results = response.context["results"]
    if results is None:
        return [], None
    if results.backend != backend:
        raise SystemExit(f"expected the {backend} backend, got {results.backend}")
    return [doc_key(hit) for hit in results.hits[:TOP]], None


def score(query, got, leaked):
    """(recall@10, reciprocal rank) of one query. A restricted query scores 1
    on both when nothing outside its asker's audience comes back, else 0."""
    if got is None:
        return 0.0, 0.0
    if query["kind"] == "restricted":
        return (0.0, 0.0) if leaked else (1.0, 1.0)
    expected = query["expected"]
    found = [key for key in expected if key in got]
    ranks = [got.index(key) + 1 for key in found]
    return len(found) / len(expected), (1 / min(ranks) if ranks else 0.0)


def main():
    args = parse_args()
    queries = load_queries(args.queries)
    say(f"{len(queries)} queries from {args.queries.name}")
    with in_process_database("relevance", load_demo=True, keep=args.keep_db):
        run(args, queries)


def run(args, queries):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test import Client

    from portal.core.audience import audiences_for
    from portal.search.client import get_client, server_version
    from portal.search.index import alias_name
    from portal.search.models import SearchRecord

    es = get_client()
    if es is None:
        raise SystemExit("ELASTICSEARCH_URL is empty: the benchmark compares both backends.")
    es.indices.refresh(index=alias_name())
    # Both backends must hold the same documents, or the comparison says nothing.
    in_index = es.count(index=alias_name())["count"]
    in_mirror = SearchRecord.objects.live().count()
    if in_index != in_mirror:
        raise SystemExit(f"the index holds {in_index} documents, the mirror {in_mirror}")
    say(f"{in_index} documents in the index and in the database mirror")

    clients = {ANONYMOUS: Client()}
    tokens = {ANONYMOUS: audiences_for(AnonymousUser())}
    for email in sorted({q["as"] for q in queries if "as" in q}):
        user = get_user_model().objects.get(email=email)
        clients[email] = Client()
        clients[email].force_login(user)
        tokens[email] = audiences_for(user)
    # Who may see each document, to tell a leak from a hit.
    audiences = {
        doc_key(record): {a.token for a in record.audiences.all()}
        for record in SearchRecord.objects.live().prefetch_related("audiences")
    }

    if args.dump:
        dump(audiences)
    check(queries, audiences, tokens)

    say(f"asking every query of both backends (as {', '.join(sorted(clients))})")
    outcome = {}  # backend -> [(query, got, error, recall, rr, leaked)]
    for backend in BACKENDS:
        rows = []
        for query in queries:
            got, error = ask(clients, query, backend)
            allowed = tokens[query.get("as", ANONYMOUS)]
            leaked = [key for key in got or () if audiences.get(key, set()).isdisjoint(allowed)]
            recall, rr = score(query, got, leaked)
            rows.append((query, got, error, recall, rr, leaked))
        outcome[backend] = rows
        say(f"  {backend}: {len(rows)} queries asked")
    report(queries, outcome, f"{connection.vendor}, Elasticsearch {server_version(es)}")


def report(queries, outcome, services):
    kinds = sorted({q["kind"] for q in queries})
    members = sum(1 for q in queries if "as" in q)
    print("")
    print(
        f"Search relevance: {len(queries)} queries over the demo content "
        f"({len(queries) - members} as the anonymous public, {members} as a member), "
        f"top {TOP}; {services}; commit {commit()}"
    )
    print("")
    print("| queries | n | Elasticsearch recall@10 | MRR | Database recall@10 | MRR |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, chosen in [("all", None), *((kind, kind) for kind in kinds)]:
        cells = []
        count = 0
        for backend in BACKENDS:
            rows = [r for r in outcome[backend] if chosen is None or r[0]["kind"] == chosen]
            count = len(rows)
            cells.append(f"{sum(r[3] for r in rows) / count:.2f}")
            cells.append(f"{sum(r[4] for r in rows) / count:.2f}")
        bold = "**" if chosen is None else ""
        print(f"| {bold}{label}{bold} | {count} | " + " | ".join(cells) + " |")
    print("")
    for backend in BACKENDS:
        leaked = sorted(
            {f"{key} (to {r[0].get('as', ANONYMOUS)})" for r in outcome[backend] for key in r[5]}
        )
        print(f"Documents shown outside their audience on {backend}: {', '.join(leaked) or 'none'}")
        failed = [r for r in outcome[backend] if r[3] < 1.0]
        print(f"Failed on {backend} ({len(failed)}):")
        for query, got, error, _recall, _rr, _leaked in failed:
            expected = ", ".join(query["expected"]) or "nothing outside its audience"
            shown = error or (", ".join(got[:5]) + (" …" if len(got) > 5 else "") or "nothing")
            asker = f" (as {query['as']})" if "as" in query else ""
            print(f"  [{query['kind']}] {query['q']!r}{asker} → expected {expected}; got {shown}")
        # What MRR loses: found, but not first.
        lower = [r for r in outcome[backend] if r[3] == 1.0 and r[4] < 1.0]
        print(f"Found below the top on {backend} ({len(lower)}):")
        for query, got, _error, _recall, rr, _leaked in lower:
            asker = f" (as {query['as']})" if "as" in query else ""
            above = ", ".join(got[: round(1 / rr) - 1])
            print(f"  [{query['kind']}] {query['q']!r}{asker} at {round(1 / rr)}, after {above}")
        print("")


def check(queries, audiences, tokens):
    """Every expected id names a document its asker may see, and every
    restricted query's words are really in a document its asker may not see
    (else it would pass for nothing)."""
    from django.db.models import Q

    from portal.search.models import SearchRecord

    for query in queries:
        allowed = tokens[query.get("as", ANONYMOUS)]
        for key in query["expected"]:
            if key not in audiences:
                raise SystemExit(f"{query['q']!r}: {key} names no document (try --dump)")
            if audiences[key].isdisjoint(allowed):
                raise SystemExit(f"{query['q']!r}: its asker may not see {key}")
        if query["kind"] != "restricted":
            continue
        matching = SearchRecord.objects.live()
        for word in query["q"].split():
            matching = matching.filter(Q(title__icontains=word) | Q(body__icontains=word))
        if not any(audiences[doc_key(r)].isdisjoint(allowed) for r in matching):
            raise SystemExit(f"restricted {query['q']!r}: no hidden document holds these words")


def dump(audiences):
    """The indexed documents with the ids to write queries with."""
    say("documents (id | who may see it):")
    for key in sorted(audiences):
        say(f"  {key} | {', '.join(sorted(audiences[key]))}")


if __name__ == "__main__":
    main()
