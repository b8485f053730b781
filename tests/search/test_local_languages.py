"""Search answers in Kyrgyz, Uzbek (Latin script) and Tajik: a visitor who
types words of the get-help page or the campaign in their language finds it,
on the real Elasticsearch node and on the database fallback."""

import pytest
from django.test import override_settings

from portal.search import analysis, index, spelling
from portal.search.client import circuit, get_client
from portal.search.rebuild import rebuild
from tests.conftest import module_data
from tests.home.builders import make_site, paragraph, translate
from tests.search_indices import private_alias

pytestmark = pytest.mark.django_db

TEXTS = {
    # code: (title, body, words a person would type)
    "ky": (
        "Жардам алуу",
        "Өз өлкөңүздүн ишеним телефонуна чалыңыз: кеңешчи сизди угат.",
        "ишеним телефонуна",
    ),
    "uz": (
        "Yordam olish",
        "Oʻz mamlakatingizning ishonch telefoniga qoʻngʻiroq qiling: maslahatchi sizni tinglaydi.",
        "ishonch telefoniga maslahatchi",
    ),
    "tg": (
        "Кӯмак гирифтан",
        "Ба хатти боварии кишвари худ занг занед: машваратчӣ шуморо мешунавад.",
        "хатти боварии машваратчӣ",
    ),
}


@pytest.fixture(scope="module")
def _module_pages(request, django_db_setup, django_db_blocker):
    """The pages in three languages and their index, built once for the module
    (each test only searches them): rows in the module's transaction (see
    tests/conftest.py module_data), documents under the module's own alias,
    removed at the end."""

    with (
        private_alias("m") as prefix,
        module_data(request, django_db_blocker),
        override_settings(SEARCH_INDEX_PREFIX=prefix),
    ):
        with django_db_blocker.unblock():
            site = make_site()
            made = {}
            for code, (title, body, _words) in TEXTS.items():
                translate(site.home, code, title=title)
                made[code] = translate(site.get_help, code, title=title, body=paragraph(body))
            rebuild(force=True)
        get_client().indices.refresh(index=index.alias_name())
        yield prefix, {code: page.url for code, page in made.items()}


@pytest.fixture
def pages(_module_pages, settings):
    """code -> the address of the get-help page in that language."""
    prefix, urls = _module_pages
    settings.SEARCH_INDEX_PREFIX = prefix
    circuit.reset()
    return urls


@pytest.fixture(params=["elasticsearch", "database"])
def backend(request, settings):
    if request.param == "database":
        settings.ELASTICSEARCH_URL = ""
    return request.param


@pytest.mark.parametrize("code", list(TEXTS))
def test_words_of_a_local_language_find_its_page(client, pages, backend, code):
    response = client.get("/search/", {"q": TEXTS[code][2]}, headers={"Accept-Language": code})

    results = response.context["results"]
    assert response.status_code == 200
    assert results.backend == backend
    assert [hit.url for hit in results.hits] == [pages[code]]
    assert results.hits[0].language == code


@pytest.mark.parametrize("code", list(TEXTS))
def test_the_language_facet_offers_the_local_language(client, pages, backend, code):
    response = client.get("/search/", {"q": TEXTS[code][2], "language": code})
    results = response.context["results"]
    assert response.status_code == 200
    assert [hit.url for hit in results.hits] == [pages[code]]


@pytest.mark.parametrize("typed", ["qo'ng'iroq", "qo‘ng‘iroq", "qoʻngʻiroq", "QO'NG'IROQ"])
def test_uzbek_words_are_found_whatever_apostrophe_the_keyboard_has(client, pages, backend, typed):
    # The page writes "qoʻngʻiroq" with U+02BB, as Uzbek's standard does;
    # phones and Russian keyboards type ', ‘ or ’.
    response = client.get("/search/", {"q": typed})
    results = response.context["results"]
    assert results.backend == backend
    assert [hit.url for hit in results.hits] == [pages["uz"]]


def test_uzbek_text_typed_with_plain_apostrophes_is_indexed_in_the_standard_spelling():
    assert spelling.uzbek("O'zbekiston ma'lumot g‘oya") == "Oʻzbekiston maʼlumot gʻoya"
    # Quotes around words are not apostrophes inside a word.
    assert spelling.uzbek("'Yordam'") == "'Yordam'"
    # Queries go through the same folding as documents.
    assert analysis.words("QO'NG'IROQ yordam") == ["qoʻngʻiroq", "yordam"]
