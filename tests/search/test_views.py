"""The search page and the autocomplete endpoint, against the real index."""

import datetime
import html

import pytest
from django.conf import settings
from django.utils import timezone

from portal.core.audience import NETWORK, PUBLIC, workspace_token
from portal.members.permissions import remove_membership
from portal.search import queue
from portal.search.forms import SearchForm
from portal.search.index import RESULT_WINDOW
from portal.search.registry import SearchEntry
from tests.factories import OrganisationFactory, UserFactory, add_member, make_workspace

pytestmark = pytest.mark.django_db


def entry(object_id, title, audiences, *, kind="note", body="", **fields):
    return SearchEntry(
        kind=kind,
        object_id=str(object_id),
        title=title,
        url=f"/{kind}/{object_id}/",
        audiences=tuple(audiences),
        body=body,
        **fields,
    )


@pytest.fixture
def world(es_index, test_sources):
    """Two workspaces, people inside and outside, and one document per audience."""
    osh = make_workspace(slug="osh-monitoring", name="Osh monitoring")
    andijan = make_workspace(slug="andijan-shelters", name="Andijan shelters")
    member = add_member(osh, UserFactory(organisation=OrganisationFactory(verified=True)))
    other_member = add_member(andijan, UserFactory(organisation=OrganisationFactory(verified=True)))
    unverified = UserFactory(organisation=OrganisationFactory(verified=False))
    outsider = UserFactory()
    when = timezone.make_aware(datetime.datetime(2024, 5, 1))
    docs = [
        entry(1, "Hotline for trafficking survivors", [PUBLIC], body="Call the free hotline."),
        entry(2, "Network trafficking trends", [NETWORK], body="Shared with all members."),
        entry(
            3,
            "Osh trafficking report",
            [workspace_token(osh)],
            kind="note",
            body="Case group from the border.",
            countries=("KG",),
            date=when,
            language="ru",
        ),
        entry(4, "Andijan trafficking report", [workspace_token(andijan)], countries=("UZ",)),
    ]
    queue.index_entries(docs, refresh=True)
    return {
        "osh": osh,
        "andijan": andijan,
        "member": member,
        "other_member": other_member,
        "unverified": unverified,
        "outsider": outsider,
    }


def titles(response):
    return [hit.title for hit in response.context["results"].hits]


def search(client, user=None, **params):
    if user is not None:
        client.force_login(user)
    return client.get("/search/", params)


def test_anonymous_visitor_finds_only_public_documents(client, world):
    response = search(client, q="trafficking")
    assert response.status_code == 200
    assert titles(response) == ["Hotline for trafficking survivors"]
    assert response.context["results"].total == 1
    body = response.content.decode()
    assert "Osh trafficking report" not in body
    assert "Network trafficking trends" not in body


def test_member_finds_their_workspace_and_network_documents(client, world):
    response = search(client, world["member"], q="trafficking")
    assert set(titles(response)) == {
        "Hotline for trafficking survivors",
        "Network trafficking trends",
        "Osh trafficking report",
    }


def test_member_of_other_workspace_cannot_find_the_report(client, world):
    response = search(client, world["other_member"], q="osh report")
    assert "Osh trafficking report" not in titles(response)
    assert "Osh trafficking report" not in response.content.decode()


def test_outsider_and_unverified_person_get_public_documents_only(client, world):
    for person in (world["outsider"], world["unverified"]):
        client.logout()
        response = search(client, person, q="trafficking")
        assert titles(response) == ["Hotline for trafficking survivors"]


def test_counts_and_facets_never_count_what_the_asker_cannot_see(client, world):
    response = search(client, q="trafficking")
    results = response.context["results"]
    assert results.total == 1
    countries = {v.value: v.count for v in results.facets["country"]}
    assert countries == {}  # KG and UZ documents are restricted
    assert {v.value: v.count for v in results.facets["kind"]} == {"note": 1}
    shown = {g["name"]: [v["label"] for v in g["values"]] for g in response.context["facet_groups"]}
    assert "country" not in shown


def test_removing_a_membership_hides_the_workspace_on_the_next_search(client, world):
    member, osh = world["member"], world["osh"]
    assert "Osh trafficking report" in titles(search(client, member, q="osh"))
    remove_membership(osh, member, actor=None)
    response = client.get("/search/", {"q": "osh"})
    assert "Osh trafficking report" not in titles(response)
    assert response.context["results"].total == 0


def test_titles_and_snippets_are_escaped_before_marking(client, es_index, test_sources):
    queue.index_entries(
        [
            entry(
                9,
                'Shelter <script>alert("x")</script> guide',
                [PUBLIC],
                body="Shelter rules <b>bold</b> & more <img src=x onerror=alert(1)>",
            )
        ],
        refresh=True,
    )
    response = search(client, q="shelter")
    body = response.content.decode()
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    assert "<b>bold</b>" not in body
    hit = response.context["results"].hits[0]
    assert "<mark>Shelter</mark>" in hit.title_html
    assert "&lt;script&gt;" in hit.title_html
    assert "&lt;b&gt;bold&lt;" in hit.snippet_html
    # Only <mark> tags remain once the escaped entities are taken out.
    stripped = hit.title_html.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped
    assert html.unescape(stripped) == 'Shelter <script>alert("x")</script> guide'


def test_typos_are_forgiven(client, world):
    assert titles(search(client, q="hotlnie")) == ["Hotline for trafficking survivors"]


def test_title_matches_rank_above_body_matches(client, es_index, test_sources):
    queue.index_entries(
        [
            entry(1, "Annual review", [PUBLIC], body="A section about labour migration."),
            entry(2, "Labour migration", [PUBLIC], body="Overview."),
        ],
        refresh=True,
    )
    assert titles(search(client, q="labour migration")) == ["Labour migration", "Annual review"]


def test_facet_links_filter_and_show_counts(client, world):
    member = world["member"]
    response = search(client, member, q="trafficking")
    groups = {g["name"]: g for g in response.context["facet_groups"]}
    kyrgyzstan = next(v for v in groups["country"]["values"] if v["label"] == "Kyrgyzstan")
    assert kyrgyzstan["count"] == 1
    filtered = client.get("/search/" + kyrgyzstan["url"])
    assert titles(filtered) == ["Osh trafficking report"]
    # Each facet counts with the other filters only: both languages stay visible.
    languages = {v.value: v.count for v in filtered.context["results"].facets["language"]}
    assert languages == {"ru": 1}
    selected = {g["name"]: g for g in filtered.context["facet_groups"]}["country"]["values"]
    assert any(v["selected"] and v["label"] == "Kyrgyzstan" for v in selected)


def test_pagination_and_sort_by_date(client, es_index, test_sources):
    start = timezone.make_aware(datetime.datetime(2020, 1, 1))
    queue.index_entries(
        [
            entry(n, f"Bulletin {n}", [PUBLIC], date=start + datetime.timedelta(days=n))
            for n in range(1, 46)
        ],
        refresh=True,
    )
    first = search(client, q="bulletin", sort="date")
    assert first.context["results"].total == 45
    assert titles(first)[:2] == ["Bulletin 45", "Bulletin 44"]
    assert first.context["page_obj"].next_url
    third = client.get("/search/", {"q": "bulletin", "sort": "date", "page": 3})
    assert titles(third) == [f"Bulletin {n}" for n in range(5, 0, -1)]
    assert not third.context["page_obj"].next_url
    seen = set(titles(first)) | set(titles(client.get("/search/?q=bulletin&sort=date&page=2")))
    assert len(seen | set(titles(third))) == 45

    # The portal's one pagination rule: a page number that is not one shows
    # the first page, one past the end the last page (it was a 400 until issue 12).
    for page in ("abc", "0", "-2", "²", "1e3"):
        shown = client.get("/search/", {"q": "bulletin", "sort": "date", "page": page})
        assert shown.status_code == 200, page
        assert titles(shown) == titles(first), page
    for page in ("4", "999999", "9" * 5000):
        shown = client.get("/search/", {"q": "bulletin", "sort": "date", "page": page})
        assert shown.status_code == 200, page[:10]
        assert titles(shown) == titles(third), page[:10]
        assert shown.context["page_obj"].number == 3
    # The links of page 3 keep the query and the sort.
    previous = third.context["page_obj"].previous_url
    assert previous == "/search/?q=bulletin&sort=date&page=2"


def test_search_never_pages_past_the_result_window():
    form = SearchForm({"q": "shelter", "page": str(10**9)})
    assert form.is_valid()
    assert form.params().page == RESULT_WINDOW // settings.SEARCH_PAGE_SIZE


def test_bad_input_gets_a_clear_message_and_400(client, world):
    for params in (
        {"q": "x" * 201},
        {"q": "report", "year": "last"},
        {"q": "report", "year": "²"},
        {"q": "report", "year": "٢٠٢٤"},
        {"q": "report", "kind": "secret"},
        {"q": "report", "country": "<script>"},
    ):
        response = client.get("/search/", params)
        assert response.status_code == 400, params
        assert response.context["form"].errors
        assert b'role="alert"' in response.content


def test_the_header_box_keeps_the_query(client, world):
    response = search(client, q="hotline")
    assert b'id="site-search-q" type="search" name="q" value="hotline"' in response.content


def test_page_without_query_shows_the_form(client, world):
    response = client.get("/search/")
    assert response.status_code == 200
    assert response.context["results"] is None
    assert b'role="search"' in response.content


def test_search_page_speaks_russian(client, world):
    client.cookies["django_language"] = "ru"
    response = client.get("/search/", {"q": "trafficking"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert b'<html lang="ru">' in response.content


def test_results_are_never_cached_by_shared_caches(client, world):
    response = search(client, world["member"], q="osh")
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_suggest_returns_titles_under_the_same_audience_rule(client, world):
    anonymous = client.get("/search/suggest/", {"q": "osh"}).json()
    assert anonymous["suggestions"] == []
    client.force_login(world["member"])
    member = client.get("/search/suggest/", {"q": "osh tra"}).json()
    assert member["suggestions"] == [
        {"title": "Osh trafficking report", "url": "/note/3/", "kind": "note", "label": "Note"}
    ]
    prefix = client.get("/search/suggest/", {"q": "hotl"}).json()["suggestions"]
    assert [s["title"] for s in prefix] == ["Hotline for trafficking survivors"]


def test_suggest_with_empty_query_is_empty(client, world):
    response = client.get("/search/suggest/", {"q": "  "})
    assert response.status_code == 200
    assert response.json()["suggestions"] == []


def test_country_facets_are_named_for_every_country(client, es_index, test_sources):
    queue.index_entries(
        [entry(1, "Migrant workers in Istanbul", [PUBLIC], countries=("TR", "AE"))],
        refresh=True,
    )
    response = search(client, q="migrant")
    groups = {g["name"]: g for g in response.context["facet_groups"]}
    labels = {v["label"] for v in groups["country"]["values"]}
    assert labels == {"Türkiye", "United Arab Emirates"}
