"""Search understands Russian and English as people type them, on the real
Elasticsearch node and on the PostgreSQL fallback alike: another form of the
word, е for ё, capitals and punctuation, stop words, one or two typos. The
suggestions follow the same rules, and neither ever shows a title the asker
may not open (the words of a restricted report find nothing for an outsider,
typo tolerance included).

The documents are written to both backends at once, once for the module
(portal.search.queue.index_entries)."""

import pytest
from django.test import override_settings

from portal.core.audience import PUBLIC
from portal.search import analysis, db_search, index, mirror, queue
from portal.search.client import circuit
from portal.search.entries import clean
from portal.search.models import SearchTerm
from portal.search.registry import SearchEntry
from portal.search.results import SearchParams
from portal.search.versions import next_version
from tests.conftest import module_data
from tests.factories import UserFactory, add_member, make_workspace
from tests.search_indices import private_alias

pytestmark = pytest.mark.django_db

PUBLIC_DOCS = {
    "osh": (
        "ru",
        "Горячая линия в Оше",
        "Звоните на горячую линию: мигрантам и пострадавшим от торговли людьми отвечают "
        "круглосуточно. Адрес: Ёлкин переулок.",
    ),
    "lawyers": (
        "ru",
        "Прием юристов в Жалал-Абаде",
        "Мобильная приёмная: юристы бесплатно консультируют трудовых мигрантов.",
    ),
    "psychologists": (
        "ru",
        "Школьные психологи Ферганы",
        "Психологи школ проводят занятия о безопасной миграции.",
    ),
    "agencies": (
        "en",
        "Recruitment agencies: how to check them",
        "Identifying fraudulent recruiters before you leave home.",
    ),
    "shelter": (
        "en",
        "Shelter opens in Isfara",
        "A new shelter for survivors offers beds, meals and counselling.",
    ),
    "sewing": ("en", "Sewing course in Batken", "Needles and thread for beginners."),
    "sowing": ("en", "Sowing course in Khujand", "Seeds and soil for small farms."),
}
SECRET = (
    "Вербовщик из Кара-Суу: отчёт о случае",
    "Пострадавшая Зульфизар рассказала о вербовщике.",
)
# Case notes that spell a word as a visitor might mistype it.
SECRET_SPELLING = ("Case notes", "Her sowin job was a lure.")


def _entry(key, language, title, body, audiences=(PUBLIC,), kind="page"):
    return SearchEntry(
        kind=kind,
        object_id=key,
        title=title,
        url=f"/{language}/{key}/",
        audiences=audiences,
        body=body,
        language=language,
    )


@pytest.fixture(scope="module")
def _module_documents(request, django_db_setup, django_db_blocker):
    with (
        private_alias("m") as prefix,
        module_data(request, django_db_blocker),
        override_settings(SEARCH_INDEX_PREFIX=prefix),
    ):
        with django_db_blocker.unblock():
            workspace = make_workspace(name="Osh shelter cases")
            member = add_member(workspace, UserFactory())
            outsider = add_member(make_workspace(name="Other NGO"), UserFactory())
            entries = [_entry(key, *doc) for key, doc in PUBLIC_DOCS.items()]
            entries.append(
                _entry("secret", "ru", *SECRET, audiences=(f"workspace:{workspace.pk}",))
            )
            entries.append(
                _entry("notes", "en", *SECRET_SPELLING, audiences=(f"workspace:{workspace.pk}",))
            )
            index.ensure_index()
            queue.index_entries(entries, refresh=True)
        yield prefix, {"member": member, "outsider": outsider}


@pytest.fixture
def people(_module_documents, settings):
    prefix, people = _module_documents
    settings.SEARCH_INDEX_PREFIX = prefix
    circuit.reset()
    return people


@pytest.fixture(params=["elasticsearch", "database"])
def backend(request, settings, people):
    if request.param == "database":
        settings.ELASTICSEARCH_URL = ""
    return request.param


def found(client, q, backend):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    results = response.context["results"]
    assert results.backend == backend
    return [hit.url.split("/")[2] for hit in results.hits]


def suggested(client, q):
    response = client.get("/search/suggest/", {"q": q})
    assert response.status_code == 200
    return [s["title"] for s in response.json()["suggestions"]]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ош", "osh"),  # the text says "в Оше"
        ("горячей линии", "osh"),
        ("мигранты из оша", "osh"),  # "из" is not in the text: stop words are not required
        ("юрист", "lawyers"),  # "юристов", "юристы"
        ("ПСИХОЛОГ!!!", "psychologists"),  # capitals and punctuation
        ("«школьный»—психолог", "psychologists"),
        ("recruiting", "agencies"),  # "Recruitment"
        ("identify recruiter", "agencies"),  # "Identifying fraudulent recruiters"
        ("shelters", "shelter"),
    ],
)
def test_another_form_of_the_word_finds_the_document(client, backend, typed, expected):
    assert found(client, typed, backend)[:1] == [expected]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("приемная", "lawyers"),  # the text has "приёмная"
        ("елкин переулок", "osh"),
        ("приём юристов", "lawyers"),  # typed with ё, the title has "Прием"
    ],
)
def test_e_and_yo_are_the_same_letter(client, backend, typed, expected):
    assert found(client, typed, backend) == [expected]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("горячя линия", "osh"),  # one letter missing
        ("псиохологи", "psychologists"),  # one letter too many
        ("психлоог", "psychologists"),  # two letters swapped and one missing
        ("recruitmnet", "agencies"),  # two letters swapped
        ("sheltre", "shelter"),
    ],
)
def test_one_or_two_typos_still_find_the_document(client, backend, typed, expected):
    assert found(client, typed, backend)[:1] == [expected]


def test_a_typo_in_one_word_of_two_still_finds_the_document(client, backend):
    assert found(client, "sowin khujand", backend) == ["sowing"]


def test_a_word_written_only_where_the_asker_may_not_look_still_counts_as_a_typo(
    client, backend, people
):
    # The member's case notes hold "sowin" as typed. Whether a word is
    # taken as meant is decided on what the asker may see: for anyone else
    # it is a typo, corrected as if the notes did not exist.
    for asker in (None, people["outsider"]):
        if asker:
            client.force_login(asker)
        assert found(client, "sowin khujand", backend) == ["sowing"]
        assert found(client, "sowin lure", backend) == []


def test_two_real_words_that_never_meet_find_nothing_on_elasticsearch(client, people):
    # Both words are in the asker's documents as typed, so neither is read as
    # a typo ("sewing" is a letter from "sowing", which does meet "khujand").
    # The fallback has no list of each document's words and allows typos in
    # every word when too little is found (README).
    assert found(client, "sewing khujand", "elasticsearch") == []
    assert found(client, "sowing khujand", "elasticsearch") == ["sowing"]


def test_the_word_form_that_matched_is_marked_in_the_title_and_snippet(client, backend):
    response = client.get("/search/", {"q": "ош горячая"})
    (hit,) = response.context["results"].hits
    assert hit.title_html == "<mark>Горячая</mark> линия в <mark>Оше</mark>"
    assert "<mark>горячую</mark>" in hit.snippet_html


def test_a_typo_match_is_marked_too(client, backend):
    response = client.get("/search/", {"q": "sheltre"})
    hit = response.context["results"].hits[0]
    assert hit.title_html == "<mark>Shelter</mark> opens in Isfara"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("горячей лин", "Горячая линия в Оше"),  # a form, then a half-typed word
        ("приём юр", "Прием юристов в Жалал-Абаде"),
        ("ШКОЛЬН", "Школьные психологи Ферганы"),
        ("recruiting ag", "Recruitment agencies: how to check them"),
    ],
)
def test_suggestions_follow_the_same_rules(client, backend, typed, expected):
    assert suggested(client, typed) == [expected]


@pytest.mark.parametrize("typed", ["вербовщик кара-суу", "зульфизар", "зульфизор", "отчет случай"])
def test_words_of_a_restricted_report_find_it_only_for_its_workspace(
    client, backend, people, typed
):
    assert found(client, typed, backend) == []  # anonymous
    client.force_login(people["outsider"])
    assert found(client, typed, backend) == []
    client.force_login(people["member"])
    assert found(client, typed, backend) == ["secret"]


@pytest.mark.parametrize("typed", ["вербовщик", "Кара-Суу: отч", "вербовщ"])
def test_suggestions_never_offer_a_restricted_title_to_an_outsider(client, backend, people, typed):
    assert suggested(client, typed) == []
    client.force_login(people["outsider"])
    assert suggested(client, typed) == []
    client.force_login(people["member"])
    assert suggested(client, typed) == [SECRET[0]]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("ош", ["osh"]), ("приемная", ["lawyers"]), ("recruiting", ["agencies"])],
)
def test_the_sqlite_demo_strategy_matches_forms_and_e_for_yo(people, typed, expected):
    # The demo's strategy (LIKE over the stems), run here on PostgreSQL: the
    # same analysis, so the same documents.
    results = db_search.search(SearchParams(q=typed), {PUBLIC}, strategy=db_search.PORTABLE)
    assert [hit.object_id for hit in results.hits] == expected


def test_the_sqlite_demo_strategy_has_no_typo_tolerance(people):
    # Said in the README: the demo goes without; PostgreSQL and Elasticsearch do not.
    results = db_search.search(SearchParams(q="sheltre"), {PUBLIC}, strategy=db_search.PORTABLE)
    assert results.hits == []


def test_a_deleted_documents_words_leave_the_typo_vocabulary():
    raw = _entry(
        "gone", "ru", "Отчёт Абдурахмоновой", "Уникальнословие", audiences=("workspace:9",)
    )
    entry = clean(raw, "page")
    mirror.write({entry.doc_id: entry}, (), next_version())
    assert SearchTerm.objects.filter(term__in=["уникальнословие", "абдурахмоновой"]).count() == 2

    mirror.write({}, {("page", "gone")}, next_version())
    mirror.purge_terms()

    assert not SearchTerm.objects.filter(term__in=["уникальнословие", "абдурахмоновой"]).exists()
    assert SearchTerm.objects.filter(term="горячую").exists()  # live documents keep theirs


def test_stems_are_made_the_same_way_for_documents_and_queries():
    assert analysis.stem_text("Горячую ЛИНИЮ, в Оше!") == "горяч лин в ош"
    assert analysis.stem_text("Ёлка ёлки") == analysis.stem_text("елка елки")
    assert [t.stem for t in analysis.query_terms("горячая линия в оше")] == ["горяч", "лин", "ош"]
    # A query of stop words only still searches for them.
    assert [t.word for t in analysis.query_terms("в и на")] == ["в", "и", "на"]
