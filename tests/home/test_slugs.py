"""Every page type gets a short ASCII address, from the admin and from code."""

import pytest
from django.contrib.auth.models import Group
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from portal.core.roles import EDITORS
from portal.core.slugs import SLUG_MAX_LENGTH
from portal.home import models
from tests.factories import UserFactory
from tests.home.builders import add, add_campaign, add_event, add_resource, translate

pytestmark = pytest.mark.django_db

LONG_TITLE = "Сеть организаций Ферганской долины провела встречу о защите мигрантов " * 4


@pytest.fixture
def editor(client):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(user)
    return client


def test_news_written_in_russian_in_the_admin_gets_a_short_ascii_address(editor, site):
    # What Wagtail's editor used to put in the slug field: the whole title, in Cyrillic.
    typed_slug = "-".join(LONG_TITLE.lower().split())[:255]
    data = nested_form_data(
        {
            "title": LONG_TITLE.strip()[:255],
            "slug": typed_slug,
            "date": "2026-11-30",
            "intro": "Кратко.",
            "image_alt": "",
            "body": streamfield([("paragraph", rich_text("<p>Текст.</p>"))]),
            "tags": "",
            "countries": [],
            "related_pages": inline_formset([]),
            "action-publish": "publish",
        }
    )

    response = editor.post(f"/admin/pages/add/home/newspage/{site.news.pk}/", data)

    assert response.status_code == 302, response.context["form"].errors
    page = models.NewsPage.objects.get()
    assert page.slug.isascii()
    assert len(page.slug) <= SLUG_MAX_LENGTH
    assert page.slug.startswith("set-organizatsiy-ferganskoy-doliny")
    assert len(page.url) < 100
    assert "%" not in page.url


def test_the_admin_slug_field_transliterates_as_the_title_is_typed(editor, site):
    html = editor.get(f"/admin/pages/add/home/newspage/{site.news.pk}/").content.decode()

    assert 'data-controller="w-slug"' in html
    # Django leaves out an attribute whose value is False: Wagtail's slug
    # script then transliterates Cyrillic instead of keeping it.
    assert "data-w-slug-allow-unicode-value" not in html


@pytest.mark.parametrize(
    "build",
    [
        lambda site, title: add(site.news, models.NewsPage(title=title, intro="Кратко.")),
        lambda site, title: add_event(site.events, title, slug=""),
        lambda site, title: add_campaign(site.campaigns, title, slug=""),
        lambda site, title: add_resource(site.resources, title, slug=""),
        lambda site, title: add(site.home, models.ContentPage(title=title)),
    ],
    ids=["news", "event", "campaign", "resource", "content"],
)
def test_pages_created_in_code_get_an_ascii_slug_from_their_title(site, build):
    page = build(site, "Жаңы өнөктүк ҳимоя")

    assert page.slug == "zhangy-onoktuk-himoya"


def test_a_cyrillic_slug_given_in_code_is_transliterated(site):
    page = add(site.news, models.NewsPage(title="Новость", slug="новость-дня", intro="Кратко."))

    assert page.slug == "novost-dnya"
    assert translate(page, "en", title="News of the day").slug == "novost-dnya"


def test_two_pages_with_the_same_title_get_different_addresses(site):
    first = add(site.news, models.NewsPage(title="Встреча в Оше", intro="Кратко."))
    second = add(site.news, models.NewsPage(title="Встреча в Оше", intro="Кратко."))

    assert first.slug == "vstrecha-v-oshe"
    assert second.slug != first.slug
    assert second.slug.startswith("vstrecha-v-oshe")
