"""The resource library: filters as a GET form with counts, pages, errors."""

import pytest

from portal.resources.models import RESOURCES_PER_PAGE
from tests.home.builders import add_resource, make_document, translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(site):
    add_resource(
        site.resources,
        "Памятка мигранту",
        topic="safe_migration",
        audiences="public,victims",
        countries="KG,UZ",
    )
    add_resource(
        site.resources,
        "Кодекс КР",
        resource_type="legal_text",
        topic="legal",
        audiences="lawyers",
        countries="KG",
    )
    add_resource(
        site.resources,
        "Модуль для милиции",
        resource_type="training_kit",
        topic="identification",
        audiences="police,lawyers",
        countries="TJ",
    )
    add_resource(
        site.resources,
        "Guide in English",
        topic="identification",
        audiences="ngos",
        document_language="en",
        countries="",
    )
    return site


def titles(response):
    return [page.title for page in response.context["page_obj"].object_list]


def test_lists_every_resource_with_type_language_and_file_details(client, library):
    response = client.get("/ru/resources/")
    html = response.content.decode()
    assert response.context["result_count"] == 4
    assert "Кодекс КР" in html and "TXT" in html
    assert '<select name="topic"' in html  # a plain GET form, no JavaScript needed


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"topic": "identification"}, {"Модуль для милиции", "Guide in English"}),
        ({"audience": "lawyers"}, {"Кодекс КР", "Модуль для милиции"}),
        ({"language": "en"}, {"Guide in English"}),
        ({"country": "UZ"}, {"Памятка мигранту"}),
        ({"type": "legal_text"}, {"Кодекс КР"}),
        ({"audience": "lawyers", "country": "TJ"}, {"Модуль для милиции"}),
    ],
)
def test_filters_narrow_the_list(client, library, query, expected):
    assert set(titles(client.get("/ru/resources/", query))) == expected


def test_options_show_how_many_resources_each_choice_gives(client, library):
    response = client.get("/ru/resources/", {"audience": "lawyers"})
    form = response.context["filter_form"]
    # Topics among the lawyers' resources: legal 1, identification 1, safe migration 0.
    topic_labels = dict(form.fields["topic"].choices)
    assert topic_labels["legal"].endswith("(1)")
    assert topic_labels["identification"].endswith("(1)")
    assert topic_labels["safe_migration"].endswith("(0)")
    audience_labels = dict(form.fields["audience"].choices)
    assert audience_labels["lawyers"].endswith("(2)")
    assert audience_labels["police"].endswith("(1)")
    assert f'<option value="legal">{topic_labels["legal"]}</option>' in response.content.decode()


def test_active_filters_can_be_removed_one_by_one(client, library):
    # What the form sends: every field, the unused ones empty.
    query = {"topic": "", "audience": "lawyers", "language": "", "country": "TJ", "type": ""}
    response = client.get("/ru/resources/", query)
    active = {f["name"]: f["remove_url"] for f in response.context["active_filters"]}
    assert active["country"] == "?audience=lawyers"
    assert active["audience"] == "?country=TJ"


def test_unknown_filter_value_is_a_400_with_a_message_and_the_full_list(client, library):
    response = client.get("/ru/resources/", {"topic": "astrology"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in html
    assert "astrology" in html
    assert response.context["result_count"] == 4


def test_no_match_says_so_and_offers_the_whole_library(client, library):
    response = client.get("/ru/resources/", {"country": "UZ", "type": "form"})
    assert response.status_code == 200
    assert response.context["result_count"] == 0
    assert 'href="/ru/resources/"' in response.content.decode()


def test_library_is_paginated_and_keeps_filters_across_pages(client, site):
    for n in range(RESOURCES_PER_PAGE + 1):
        add_resource(
            site.resources, f"Ресурс {n:02d}", topic="legal", document=make_document(f"D{n}")
        )
    first = client.get("/ru/resources/", {"topic": "legal"})
    assert len(first.context["page_obj"].object_list) == RESOURCES_PER_PAGE
    assert "?topic=legal&amp;page=2" in first.content.decode()
    second = client.get("/ru/resources/", {"topic": "legal", "page": 2})
    assert len(second.context["page_obj"].object_list) == 1
    # Past the end: the last page (the portal's one pagination rule; it was a 404).
    past = client.get("/ru/resources/", {"topic": "legal", "page": 3})
    assert past.status_code == 200
    assert [p.title for p in past.context["page_obj"].object_list] == [
        p.title for p in second.context["page_obj"].object_list
    ]


def test_english_library_shows_russian_only_resources_marked_as_russian(client, library):
    guide = library.resources.get_children().get(title="Guide in English").specific
    translate(guide, "en", title="English guide page")
    html = client.get("/en/resources/").content.decode()
    assert "English guide page" in html
    assert "Памятка мигранту" in html
    assert '<li class="resource-card" lang="ru">' in html


def test_document_downloads_from_the_resource_page(client, library):
    resource = library.resources.get_children().get(title="Кодекс КР").specific
    download = client.get(resource.document.url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"demo document"
    # Wagtail would send "Content-Encoding: None" (strict clients refuse the
    # file); a file sent as it is stored has no Content-Encoding at all.
    assert "Content-Encoding" not in download.headers


def test_country_filter_lists_the_valley_first_then_by_name_in_the_reader_language(client, library):
    form = client.get("/ru/resources/").context["filter_form"]
    codes = [code for code, _label in form.fields["country"].choices if code]
    # Кыргызстан, Таджикистан, Узбекистан, then Казахстан, Россия.
    assert codes == ["KG", "TJ", "UZ", "KZ", "RU"]
