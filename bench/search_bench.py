#!/usr/bin/env python
"""Search benchmark (not a test): indexing throughput and search latency,
Elasticsearch and the database fallback side by side, on the same data.

    eval "$(scripts/services.sh env)"
    DJANGO_SETTINGS_MODULE=portal.settings.test .venv/bin/python bench/search_bench.py
    # options: --docs 100000 --searches 1000 --workspaces 200 --member-of 20 --seed 1

It works in a database of its own (created and dropped, like the test suite's,
named after the test database with "_bench") and an index alias of its own
(SEARCH_INDEX_PREFIX + "-bench-…", removed at the end), so it never touches
real data. Documents: one fifth public pages, the rest monitoring reports and
discussions spread over the workspaces (some reports shared with the network).
The searcher is a member of ``--member-of`` workspaces of a verified
organisation. Latencies: the search page end to end (Django test client, a
real signed-in user, the whole view and template) and the search call alone
(portal.search.es_search / db_search with the person's audience tokens).
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

from bench.common import in_process_database  # noqa: E402


def _words(text):
    return text.split()


WORDS_EN = _words(
    """
trafficking survivor shelter hotline border labour migration recruitment agency
passport debt bondage exploitation domestic work construction agriculture cotton
harvest brick factory seasonal worker minor child marriage forced begging referral
police prosecutor lawyer court hearing compensation reintegration counselling
medical assistance housing training outreach awareness campaign school teacher
parent village district region province consulate embassy return repatriation
identification interview questionnaire monitoring report discussion workspace network
partner organisation coordination meeting workshop seminar guideline protocol standard
evidence statement witness protection confidentiality consent anonymised statistics
trend increase decrease route transit destination origin employer contract wage
withheld documents confiscated threat violence isolation deception coercion
"""
)
WORDS_RU = _words(
    """
торговля люди пострадавший приют горячая линия граница трудовая миграция вербовка
агентство паспорт долг кабала эксплуатация домашний труд стройка сельское хозяйство
хлопок урожай кирпичный завод сезонный работник несовершеннолетний ранний брак
попрошайничество направление милиция прокурор юрист суд заседание компенсация
реинтеграция консультирование медицинская помощь жильё обучение информирование
кампания школа учитель родители село район область консульство посольство возвращение
выявление интервью анкета мониторинг отчёт обсуждение партнёр организация встреча
семинар руководство протокол доказательства показания свидетель защита
конфиденциальность согласие статистика тенденция рост снижение маршрут транзит
работодатель договор зарплата документы угрозы насилие изоляция обман принуждение
"""
)
COUNTRIES = ["KG", "UZ", "TJ", "KZ", "RU"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--searches", type=int, default=1000)
    parser.add_argument("--workspaces", type=int, default=200)
    parser.add_argument("--member-of", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=1000, help="documents per bulk request")
    parser.add_argument(
        "--elasticsearch-only",
        action="store_true",
        help="skip the database fallback (for --docs 1000000, where it takes hours)",
    )
    parser.add_argument(
        "--typos", type=float, default=0.1, help="share of searches with a mistyped word"
    )
    return parser.parse_args()


def say(message):
    print(message, flush=True)


class Progress:
    def __init__(self, label, total):
        self.label, self.total, self.step, self.started = label, total, -1, time.perf_counter()

    def update(self, done):
        step = int(10 * done / self.total) if self.total else 10
        if step != self.step:
            self.step = step
            elapsed = time.perf_counter() - self.started
            say(f"  {self.label}: {done}/{self.total} ({10 * step}%) {elapsed:.1f}s")


def sentence(rng, words, low, high):
    return " ".join(rng.choice(words) for _ in range(rng.randint(low, high)))


def make_entries(args, workspace_ids, rng):
    import datetime

    from django.utils import timezone

    from portal.core.audience import NETWORK, PUBLIC, workspace_token
    from portal.search.registry import SearchEntry

    entries = []
    public = args.docs // 5
    for n in range(args.docs):
        language = rng.choice(["ru", "en"])
        words = WORDS_RU if language == "ru" else WORDS_EN
        date = timezone.make_aware(
            datetime.datetime(2019, 1, 1) + datetime.timedelta(days=rng.randint(0, 6 * 365))
        )
        if n < public:
            kind, audiences, workspace = "page", (PUBLIC,), None
        else:
            workspace = rng.choice(workspace_ids)
            kind = rng.choice(["report", "discussion"])
            audiences = (workspace_token(workspace),)
            if kind == "report" and rng.random() < 0.1:
                audiences += (NETWORK,)
        entries.append(
            SearchEntry(
                kind=kind,
                object_id=str(n),
                title=sentence(rng, words, 3, 8).capitalize(),
                body=sentence(rng, words, 30, 80),
                url=f"/bench/{kind}/{n}/",
                audiences=audiences,
                language=language,
                countries=tuple(rng.sample(COUNTRIES, rng.randint(0, 2))),
                date=date,
                workspace_id=workspace,
            )
        )
    return entries


def percentiles(samples):
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]
    return statistics.median(ordered) * 1000, p95 * 1000


def mistyped(rng, query):
    """The query with one letter of one word dropped, doubled or swapped."""
    words = query.split()
    n = rng.randrange(len(words))
    word = words[n]
    if len(word) > 4:
        i = rng.randrange(1, len(word) - 1)
        word = rng.choice(
            [
                word[:i] + word[i + 1 :],
                word[:i] + word[i] + word[i:],
                word[:i] + word[i + 1] + word[i] + word[i + 2 :],
            ]
        )
    words[n] = word
    return " ".join(words)


def timed(label, queries, call):
    progress = Progress(label, len(queries))
    samples = []
    for done, query in enumerate(queries, 1):
        started = time.perf_counter()
        call(query)
        samples.append(time.perf_counter() - started)
        progress.update(done)
    return percentiles(samples)


def main():
    args = parse_args()
    with in_process_database("bench"):
        run(args)


def run(args):
    from django.conf import settings
    from django.test import Client, override_settings

    from portal.core.audience import audiences_for
    from portal.members.models import Organisation, User, Workspace
    from portal.members.permissions import set_membership
    from portal.search import db_search, es_search, index
    from portal.search.client import get_client
    from portal.search.entries import clean
    from portal.search.results import SearchParams
    from portal.search.versions import next_version

    begun = time.perf_counter()
    rng = random.Random(args.seed)
    client = get_client()
    if client is None:
        raise SystemExit("ELASTICSEARCH_URL is empty: the benchmark compares both backends.")

    say(f"setup: {args.workspaces} workspaces, a member of {args.member_of}")
    Workspace.objects.bulk_create(
        [Workspace(slug=f"bench-{n}", name=f"Bench workspace {n}") for n in range(args.workspaces)]
    )
    workspace_ids = list(Workspace.objects.values_list("pk", flat=True))
    organisation = Organisation.objects.create(name="Bench NGO", country="KG", verified=True)
    user = User.objects.create_user("bench@example.org", "bench-pass", organisation=organisation)
    for workspace in Workspace.objects.filter(pk__in=rng.sample(workspace_ids, args.member_of)):
        set_membership(workspace, user, "member", actor=None)
    tokens = audiences_for(user)

    say(f"generating {args.docs} documents")
    raw = make_entries(args, workspace_ids, rng)

    say("indexing into Elasticsearch (bulk, the rebuild's path)")
    index.ensure_index(client)
    # Bulk-load settings, as a rebuild uses them.
    client.indices.put_settings(
        index=index.alias_name(),
        settings={"refresh_interval": "-1", "translog.durability": "async"},
    )
    progress = Progress("elasticsearch", len(raw))
    started = time.perf_counter()
    # As a rebuild does: each chunk checked and analysed (folding, stemming:
    # portal.search.entries.clean) while the bulk requests of the chunks
    # before it are in flight on threads of their own. The analysis is part
    # of indexing on both backends; its time is kept to add to the mirror's.
    bulk = index.BackgroundBulk(client, index.alias_name(), next_version())
    entries, analysis_seconds = [], 0.0
    for start in range(0, len(raw), args.chunk):
        analysing = time.perf_counter()
        chunk = [clean(e, e.kind) for e in raw[start : start + args.chunk]]
        analysis_seconds += time.perf_counter() - analysing
        entries += chunk
        result = bulk.send(chunk)
        if result.errors:
            raise SystemExit(f"indexing failed: {next(iter(result.errors.values()))}")
        progress.update(start + len(chunk))
    result = bulk.close()
    if result.errors:
        raise SystemExit(f"indexing failed: {next(iter(result.errors.values()))}")
    client.indices.put_settings(
        index=index.alias_name(),
        settings={"refresh_interval": None, "translog.durability": None},
    )
    client.indices.refresh(index=index.alias_name())
    es_seconds = time.perf_counter() - started
    del raw

    db_seconds = None
    if not args.elasticsearch_only:
        db_seconds = _load_mirror(entries, args.chunk) + analysis_seconds
    from django.db import connection

    vocabulary = WORDS_EN + WORDS_RU
    queries = [
        " ".join(rng.sample(vocabulary, rng.choice([1, 1, 2]))) for _ in range(args.searches)
    ]
    queries = [mistyped(rng, q) if rng.random() < args.typos else q for q in queries]
    # What the autocomplete is asked while someone types: a word and the start of the next.
    typing = [" ".join([*q.split()[:-1], q.split()[-1][: rng.randint(2, 5)]]) for q in queries]
    params = [SearchParams(q=q, per_page=settings.SEARCH_PAGE_SIZE) for q in queries]
    page = Client()
    page.force_login(user)

    say(f"{args.searches} searches as a member of {args.member_of} workspaces")
    warm = params[:20]
    for p in warm:  # warm caches and connections for both
        es_search.search(client, p, tokens)
        if db_seconds is not None:
            db_search.search(p, tokens)
    results = {}
    results["es_alone"] = timed(
        "elasticsearch query", params, lambda p: es_search.search(client, p, tokens)
    )
    results["es_view"] = timed(
        "search page (elasticsearch)",
        queries,
        lambda q: _ok(page.get("/search/", {"q": q}), "elasticsearch"),
    )
    results["es_suggest"] = timed(
        "suggestions (elasticsearch)", typing, lambda q: es_search.suggest(client, q, tokens, 8)
    )
    if db_seconds is not None:
        results["db_alone"] = timed("database query", params, lambda p: db_search.search(p, tokens))
        results["db_suggest"] = timed(
            "suggestions (database)", typing, lambda q: db_search.suggest(q, tokens, 8)
        )
        with override_settings(ELASTICSEARCH_URL=""):
            results["db_view"] = timed(
                "search page (database)",
                queries,
                lambda q: _ok(page.get("/search/", {"q": q}), "database"),
            )
    hits = [es_search.search(client, p, tokens).total for p in params[:50]]

    documents = len(entries)
    say("")
    say(
        f"Search benchmark: {documents} documents ({documents // 5} public pages, the rest "
        f"reports and discussions in {args.workspaces} workspaces); {args.searches} searches "
        f"as a member of {args.member_of} workspaces; "
        f"{connection.vendor}, Elasticsearch {_es_version(client)}; "
        f"median {statistics.median(hits):.0f} hits per query; "
        f"{args.typos:.0%} of searches mistyped; run took {time.perf_counter() - begun:.0f} s"
    )
    say("")
    say("| | Elasticsearch | Database fallback |")
    say("| --- | ---: | ---: |")
    db_rate = f"{documents / db_seconds:,.0f} docs/s" if db_seconds is not None else "not run"
    say(
        f"| indexing throughput, analysis included | {documents / es_seconds:,.0f} docs/s | {db_rate} |"
    )
    for key, label in (
        ("view", "search page, end to end"),
        ("alone", "search query alone"),
        ("suggest", "suggestions"),
    ):
        cells = [
            f"{results[name][0]:.1f} / {results[name][1]:.1f} ms" if name in results else "not run"
            for name in (f"es_{key}", f"db_{key}")
        ]
        say(f"| {label}: p50 / p95 | {cells[0]} | {cells[1]} |")
    say("")


def _load_mirror(entries, chunk_size):
    """Seconds to write ``entries`` into the database mirror."""
    from django.db import connection

    from portal.search import mirror
    from portal.search.versions import next_version

    say("loading the same documents into the database mirror")
    progress = Progress("mirror", len(entries))
    started = time.perf_counter()
    for start in range(0, len(entries), chunk_size):
        chunk = entries[start : start + chunk_size]
        mirror.write({e.doc_id: e for e in chunk}, (), next_version())
        progress.update(start + len(chunk))
    seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE portal_search_searchrecord, portal_search_searchrecordaudience")
    return seconds


def _ok(response, backend):
    if response.status_code != 200:
        raise SystemExit(f"the search page answered {response.status_code}")
    if response.context["results"].backend != backend:
        raise SystemExit(
            f"expected the {backend} backend, got {response.context['results'].backend}"
        )


def _es_version(client):
    from portal.search.client import server_version

    return server_version(client)


if __name__ == "__main__":
    main()
