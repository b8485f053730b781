"""The office's Network pages in the Wagtail admin speak Russian to a
coordinator who chose Russian: column headers, filters and yes/no values."""

import re

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

from portal.demo.steps.accounts import ensure_site_role_groups
from tests.browser.journey import english_words
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# Latin words that belong in these tables: the data itself (emails, slugs,
# organisation names from factories) is removed before looking.
_TAGS = re.compile(r"<[^>]+>")


@pytest.fixture
def coordinator_in_russian(roles, as_user):
    coordinator = roles["staff"]
    coordinator.groups.add(ensure_site_role_groups()["Network coordinators"])
    profile = UserProfile.get_for_user(coordinator)
    profile.preferred_language = "ru"
    profile.save()
    return as_user(coordinator)


def _listing(html):
    return html.split('<table class="listing', 1)[1].split("</table>", 1)[0]


def _headers(html):
    head = _listing(html).split("<thead", 1)[1].split("</thead>", 1)[0]
    return " ".join(_TAGS.sub(" ", "<" + head).split())


def _cells(html):
    body = _listing(html).split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return " ".join(_TAGS.sub(" ", "<" + body).split())


@pytest.mark.parametrize(
    "url_name", ["organisation:index", "workspace:index", "membership:index", "auditevent:index"]
)
def test_network_listings_have_russian_column_headers(coordinator_in_russian, workspace, url_name):
    OrganisationFactory(name="Ошский центр", verified=True)
    html = coordinator_in_russian.get(reverse(url_name)).content.decode()

    assert 'lang="ru"' in html
    assert english_words(_headers(html)) == [], _headers(html)


def test_organisation_listing_says_yes_or_no_for_verified(coordinator_in_russian):
    OrganisationFactory(name="Ошский центр", verified=True)
    OrganisationFactory(name="Новая организация", verified=False)

    cells = _cells(coordinator_in_russian.get(reverse("organisation:index")).content.decode())

    assert "True" not in cells and "False" not in cells, cells
    assert "Да" in cells and "Нет" in cells


def test_membership_form_and_filters_are_in_russian(coordinator_in_russian, workspace):
    listing = coordinator_in_russian.get(reverse("membership:index")).content.decode()
    form = coordinator_in_russian.get(reverse("membership:add")).content.decode()

    for html in (listing, form):
        labels = " ".join(re.findall(r"<label[^>]*>(.*?)</label>", html, flags=re.S))
        assert english_words(_TAGS.sub(" ", labels)) == [], html.count("<label")
