"""Property: search never reveals what the asker may not open.

Random worlds (organisations verified or not, people active or not, staff or
not, workspaces and memberships made through portal.members.permissions) and
random documents of every audience; random queries and facet selections. For
every person and for anonymous visitors, on Elasticsearch and on the database
fallback:

- every hit is something portal.core.audience.can_see lets that person see
  (the rule the views use), and anonymous visitors only get public documents;
- the hits over all pages, the total and every facet count equal a brute-force
  computation over exactly the documents the person may see;
- audiences_for agrees with an independent model of the membership rules.
"""

import datetime
import itertools
from collections import Counter

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.core.audience import NETWORK, PUBLIC, audiences_for, can_see, workspace_token
from portal.core.roles import EDITORS, NETWORK_COORDINATORS
from portal.search import db_search, es_search, index, queue
from portal.search.client import get_client
from portal.search.registry import SearchEntry, SearchSource, registry
from portal.search.results import FACETS, SORTS, SearchParams
from tests.factories import OrganisationFactory, UserFactory, add_member, make_workspace

pytestmark = pytest.mark.django_db

# Words far apart (edit distance 3 or more), so that typo tolerance cannot
# blur one into another and a brute-force "contains the word" is exact.
VOCABULARY = ["almaty", "borscht", "cypress", "dolphin", "fjord", "glacier", "igloo", "kumquat"]
KINDS = ["report", "discussion", "page", "file"]
COUNTRIES = ["KG", "UZ", "TJ"]
OFFICE_GROUPS = {"editor": EDITORS, "coordinator": NETWORK_COORDINATORS}
YEARS = [2022, 2023, 2024]
ROLES = ["owner", "manager", "member", "observer"]
PER_PAGE = 10


def _kind_source(name):
    """A registered kind whose entries the test writes itself."""
    return type(f"{name.title()}Source", (SearchSource,), {"kind": name, "label": name.title()})()


@pytest.fixture
def kinds():
    with registry.only(*(_kind_source(k) for k in KINDS)):
        yield


def _distance(a, b):
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


def test_vocabulary_words_are_far_apart():
    for a, b in itertools.combinations(VOCABULARY, 2):
        assert _distance(a, b) >= 3, (a, b)


@st.composite
def worlds(draw):
    workspaces = draw(st.integers(1, 3))
    organisations = draw(st.lists(st.booleans(), min_size=1, max_size=2))  # verified?
    people = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "organisation": st.none() | st.integers(0, len(organisations) - 1),
                    "active": st.sampled_from([True, True, True, False]),
                    # Staff alone, or a page editor, is not the network;
                    # a network coordinator is (portal.core.roles).
                    "office": st.sampled_from([None, None, None, "staff", "editor", "coordinator"]),
                    "roles": st.dictionaries(
                        st.integers(0, workspaces - 1), st.sampled_from(ROLES), max_size=3
                    ),
                }
            ),
            min_size=1,
            max_size=4,
        )
    )
    audiences = [PUBLIC, NETWORK] + [f"ws{i}" for i in range(workspaces)]
    documents = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "audiences": st.lists(
                        st.sampled_from(audiences), min_size=1, max_size=2, unique=True
                    ),
                    "kind": st.sampled_from(KINDS),
                    "language": st.sampled_from(["ru", "en"]),
                    "countries": st.lists(st.sampled_from(COUNTRIES), max_size=2, unique=True),
                    "year": st.none() | st.sampled_from(YEARS),
                    "title": st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=2),
                    "body": st.lists(st.sampled_from(VOCABULARY), max_size=3),
                }
            ),
            min_size=1,
            max_size=16,
        )
    )
    queries = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "q": st.sampled_from(["", *VOCABULARY])
                    | st.lists(
                        st.sampled_from(VOCABULARY), min_size=2, max_size=2, unique=True
                    ).map(" ".join),
                    "kind": st.lists(st.sampled_from(KINDS), max_size=2, unique=True),
                    "language": st.lists(st.sampled_from(["ru", "en"]), max_size=1),
                    "country": st.lists(st.sampled_from(COUNTRIES), max_size=2, unique=True),
                    "year": st.lists(st.sampled_from(YEARS), max_size=2, unique=True),
                    "sort": st.sampled_from(SORTS),
                }
            ),
            min_size=2,
            max_size=3,
        )
    )
    return {
        "workspaces": workspaces,
        "organisations": organisations,
        "people": people,
        "documents": documents,
        "queries": queries,
    }


def _build(world):
    """Create the world the way the portal does; return people with the tokens
    an independent model of the rules expects for them."""
    organisations = [OrganisationFactory(verified=v) for v in world["organisations"]]
    owners = [UserFactory(organisation=None) for _ in range(world["workspaces"])]
    workspaces = [make_workspace(owner=owner) for owner in owners]
    people = [(AnonymousUser(), {PUBLIC})]
    for owner, workspace in zip(owners, workspaces, strict=True):
        people.append((owner, {PUBLIC, workspace_token(workspace)}))
    for spec in world["people"]:
        organisation = None if spec["organisation"] is None else organisations[spec["organisation"]]
        user = UserFactory(
            organisation=organisation, is_active=spec["active"], is_staff=bool(spec["office"])
        )
        if spec["office"] in OFFICE_GROUPS:
            user.groups.add(Group.objects.get_or_create(name=OFFICE_GROUPS[spec["office"]])[0])
        for number, role in spec["roles"].items():
            add_member(workspaces[number], user, role)
        expected = {PUBLIC}
        if spec["active"]:
            if spec["office"] == "coordinator" or (
                organisation is not None and organisation.verified
            ):
                expected.add(NETWORK)
            expected |= {workspace_token(workspaces[n]) for n in spec["roles"]}
        people.append((user, expected))
    return workspaces, people


def _documents(world, workspaces, serial):
    documents = {}
    for number, spec in enumerate(world["documents"]):
        tokens = tuple(
            workspace_token(workspaces[int(t[2:])]) if t.startswith("ws") else t
            for t in spec["audiences"]
        )
        entry = SearchEntry(
            kind=spec["kind"],
            object_id=f"{serial}x{number}",
            title=" ".join(spec["title"]),
            body=" ".join(spec["body"]),
            url=f"/doc/{serial}/{number}/",
            audiences=tokens,
            language=spec["language"],
            countries=tuple(spec["countries"]),
            date=None if spec["year"] is None else datetime.date(spec["year"], 6, 1),
        )
        documents[entry.doc_id] = (entry, spec)
    return documents


def _params(query):
    return SearchParams(
        q=query["q"],
        kinds=tuple(query["kind"]),
        languages=tuple(query["language"]),
        countries=tuple(query["country"]),
        years=tuple(query["year"]),
        sort=query["sort"],
        per_page=PER_PAGE,
    )


def _matches(spec, q):
    words = set(spec["title"]) | set(spec["body"])
    return all(word in words for word in q.split())


def _passes(spec, query, leave_out=None):
    checks = {
        "kind": lambda: spec["kind"] in query["kind"],
        "language": lambda: spec["language"] in query["language"],
        "country": lambda: bool(set(spec["countries"]) & set(query["country"])),
        "year": lambda: spec["year"] in query["year"],
    }
    return all(checks[f]() for f in FACETS if f != leave_out and query[f])


def _facet_values(spec, facet):
    value = {"kind": spec["kind"], "language": spec["language"], "year": spec["year"]}
    if facet == "country":
        return spec["countries"]
    return [] if value[facet] is None else [value[facet]]


def _expected(documents, visible_ids, query):
    matched = [
        doc_id
        for doc_id in visible_ids
        if _matches(documents[doc_id][1], query["q"]) and _passes(documents[doc_id][1], query)
    ]
    facets = {}
    for facet in FACETS:
        counter = Counter()
        for doc_id in visible_ids:
            spec = documents[doc_id][1]
            if _matches(spec, query["q"]) and _passes(spec, query, leave_out=facet):
                counter.update(_facet_values(spec, facet))
        facets[facet] = dict(counter)
    return set(matched), facets


def _all_pages(run, params):
    first = run(params)
    hits, page = list(first.hits), 1
    while page * params.per_page < first.total:
        page += 1
        hits += run(SearchParams(**{**params.__dict__, "page": page})).hits
    return first, hits


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds())
def test_search_never_shows_or_counts_what_the_asker_may_not_see(es_index, kinds, client, world):
    client_es = get_client()
    serial = next(_serials)
    with transaction.atomic():
        workspaces, people = _build(world)
        documents = _documents(world, workspaces, serial)
        queue.index_entries([entry for entry, _ in documents.values()], refresh=True)
        try:
            for user, expected_tokens in people:
                tokens = audiences_for(user)
                assert tokens == expected_tokens
                visible = {
                    d for d, (entry, _) in documents.items() if can_see(user, entry.audiences)
                }
                for query in world["queries"]:
                    params = _params(query)
                    expected_ids, expected_facets = _expected(documents, visible, query)
                    for backend, run in (
                        ("elasticsearch", lambda p, t=tokens: es_search.search(client_es, p, t)),
                        ("database", lambda p, t=tokens: db_search.search(p, t)),
                    ):
                        first, hits = _all_pages(run, params)
                        ids = [hit.doc_id for hit in hits]
                        where = (backend, query, sorted(tokens))
                        assert len(ids) == len(set(ids)), where
                        for doc_id in ids:
                            audiences = documents[doc_id][0].audiences
                            assert can_see(user, audiences, tokens), where
                            if not user.is_authenticated:
                                assert PUBLIC in audiences, where
                        assert set(ids) == expected_ids, where
                        assert first.total == len(expected_ids), where
                        got = {
                            f: {v.value: v.count for v in first.facets[f] if v.count}
                            for f in FACETS
                        }
                        assert got == expected_facets, where
            # And through the page itself, for one person who holds more than
            # the public token and an anonymous visitor.
            _check_view(client, people, documents, world["queries"][0])
        finally:
            client_es.bulk(
                operations=[
                    {"delete": {"_index": index.alias_name(), "_id": doc_id}}
                    for doc_id in documents
                ],
                refresh=True,
            )
            transaction.set_rollback(True)


_serials = itertools.count(1)


def _check_view(client, people, documents, query):
    params = {k: v for k, v in query.items() if v}
    for user, _ in (people[0], max(people, key=lambda p: len(p[1]))):
        client.logout()
        if user.is_authenticated:
            client.force_login(user)
        response = client.get("/search/", params)
        assert response.status_code == 200
        results = response.context["results"]
        if results is None:  # nothing asked
            continue
        visible = {d for d, (entry, _) in documents.items() if can_see(user, entry.audiences)}
        expected_ids, _ = _expected(documents, visible, query)
        assert results.total == len(expected_ids)
        assert {h.doc_id for h in results.hits} <= expected_ids
        for doc_id, (entry, _) in documents.items():
            if doc_id not in visible:
                assert entry.url not in response.content.decode()
