"""The portal's one pagination rule and the links its include draws."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from portal.core.pagination import page_number, page_was_normalised, paginate, paginate_window

ITEMS = list(range(1, 96))  # 95 items: 10 pages of 10, the last holding 5


def get(query=""):
    return RequestFactory().get(f"/ru/news/{query}")


def shown(query, per_page=10):
    return paginate(get(query), ITEMS, per_page)


@pytest.mark.parametrize(
    "value", [None, "", "abc", "1e3", "2.0", "²", "0", "-1", "-999", " ", "\x00"]
)
def test_a_value_that_is_no_page_number_shows_the_first_page(value):
    request = RequestFactory().get("/list/", {} if value is None else {"page": value})
    page = paginate(request, ITEMS, 10)
    assert page.number == 1
    assert list(page) == list(range(1, 11))


@pytest.mark.parametrize("value", ["11", "99", "999999999999999999999", "9" * 5000])
def test_a_number_past_the_end_shows_the_last_page(value):
    page = shown(f"?page={value}")
    assert page.number == 10
    assert list(page) == [91, 92, 93, 94, 95]
    assert not page.next_url


def test_the_last_page_asked_exactly_is_shown_and_links_back():
    page = shown("?page=10")
    assert page.number == 10
    assert page.previous_url == "/ru/news/?page=9"
    assert not page.next_url


def test_an_empty_list_is_one_empty_page_without_links():
    page = paginate(get("?page=3"), [], 10)
    assert page.number == 1
    assert list(page) == []
    assert not page.has_other_pages()
    assert render_to_string("includes/pagination.html", {"page_obj": page}).strip() == ""


def test_arabic_indic_digits_are_a_whole_number_too():
    assert page_number("٢") == 2


def test_links_keep_the_other_parameters_and_drop_page_one():
    page = shown("?topic=legal&country=KG&country=UZ&page=3")
    assert page.previous_url == "/ru/news/?topic=legal&country=KG&country=UZ&page=2"
    assert page.next_url == "/ru/news/?topic=legal&country=KG&country=UZ&page=4"
    first = next(link for link in page.links if link.get("number") == 1)
    # Page 1 has one address, without ?page=, so it is cached once.
    assert first["url"] == "/ru/news/?topic=legal&country=KG&country=UZ"
    assert shown("?page=2").previous_url == "/ru/news/"


def test_links_keep_a_fragment_when_asked():
    page = paginate(get("?page=2"), ITEMS, 10, fragment="cases")
    assert page.next_url == "/ru/news/?page=3#cases"
    assert page.previous_url == "/ru/news/#cases"


def test_a_parameter_value_is_encoded_in_the_links():
    page = shown("?q=a%26b%22<x>&page=2")
    assert page.next_url == "/ru/news/?q=a%26b%22%3Cx%3E&page=3"


def test_the_range_is_elided_around_the_current_page():
    page = shown("?page=10", per_page=3)  # 32 pages
    drawn = ["…" if link.get("gap") else link["number"] for link in page.links]
    assert drawn == [1, "…", 8, 9, 10, 11, 12, "…", 32]
    assert [link["number"] for link in page.links if link.get("current")] == [10]


def test_a_short_range_has_no_gap():
    page = paginate(get("?page=2"), ITEMS[:30], 10)
    assert [link["number"] for link in page.links] == [1, 2, 3]


def test_the_include_marks_the_current_page_and_the_neighbours():
    page = shown("?page=10&tag=osh", per_page=3)
    with translation.override("en"):
        html = render_to_string("includes/pagination.html", {"page_obj": page})
    assert '<nav class="pagination" aria-label="Pages">' in html
    assert '<a href="/ru/news/?tag=osh&amp;page=10" aria-current="page">' in html
    assert html.count("aria-current") == 1
    assert '<a href="/ru/news/?tag=osh&amp;page=9" rel="prev">' in html
    assert '<a href="/ru/news/?tag=osh&amp;page=11" rel="next">' in html
    assert html.count('class="pagination__gap" aria-hidden="true">…') == 2


def test_the_include_takes_another_name_for_the_navigation():
    html = render_to_string(
        "includes/pagination.html", {"page_obj": shown("?page=2"), "label": "Result pages"}
    )
    assert 'aria-label="Result pages"' in html


@pytest.mark.parametrize(
    ("query", "normalised"),
    [
        ("", False),
        ("?page=1", False),
        ("?page=3", False),
        ("?page=03", True),
        ("?page=x", True),
        ("?page=0", True),
        ("?page=11", True),
    ],
)
def test_a_page_shown_for_a_value_that_did_not_name_it_is_marked(query, normalised):
    request = get(query)
    paginate(request, ITEMS, 10)
    assert page_was_normalised(request) is normalised


def test_a_window_of_backend_results_pages_like_a_list():
    # Search asks the backend for one page: page 3 of 45 results, 20 a page.
    request = RequestFactory().get("/search/", {"q": "shelter", "page": "3"})
    page = paginate_window(request, ["a", "b", "c", "d", "e"], total=45, number=3, per_page=20)
    assert list(page) == ["a", "b", "c", "d", "e"]
    assert page.start_index() == 41
    assert page.previous_url == "/search/?q=shelter&page=2"
    assert not page.next_url
    assert [link["number"] for link in page.links] == [1, 2, 3]


def test_a_window_never_claims_fewer_pages_than_the_one_it_shows():
    # The index shrank between the count and the page: no error.
    request = RequestFactory().get("/search/", {"page": "3"})
    page = paginate_window(request, [], total=10, number=3, per_page=20)
    assert page.number == 3
    assert list(page) == []
