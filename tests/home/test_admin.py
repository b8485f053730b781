"""The coordinating office publishes without a developer: the demo editor can
write news and edit hotlines in the Wagtail admin, and visitors see it at once."""

import pytest
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from portal.home.models import Hotline, NewsIndexPage, NewsPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, demo_once):
    # The demo is loaded once for the module; each test's changes roll back.
    assert client.login(email="editor@example.org", password="demo-pass-2024")
    return client


def test_editor_publishes_news_and_it_appears_on_the_index(editor_client):
    index = NewsIndexPage.objects.get(locale__language_code="ru")
    assert "Свежая новость редакции" not in editor_client.get("/ru/news/").content.decode()
    editor_client.logout()
    editor_client.get("/ru/news/")  # an anonymous visit fills the page cache
    assert editor_client.login(email="editor@example.org", password="demo-pass-2024")

    data = nested_form_data(
        {
            "title": "Свежая новость редакции",
            "slug": "svezhaya-novost",
            "date": timezone.localdate().isoformat(),
            "intro": "Кратко.",
            "image_alt": "",
            "body": streamfield([("paragraph", rich_text("<p>Текст новости.</p>"))]),
            "tags": "Ош",
            "countries": [],
            "related_pages": inline_formset([]),
            "action-publish": "publish",
        }
    )
    response = editor_client.post(f"/admin/pages/add/home/newspage/{index.pk}/", data)

    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    page = NewsPage.objects.get(slug="svezhaya-novost")
    assert page.live
    editor_client.logout()
    assert "Свежая новость редакции" in editor_client.get("/ru/news/").content.decode()


def test_editor_can_manage_hotlines_and_translate_pages(editor_client):
    assert editor_client.get("/admin/snippets/home/hotline/").status_code == 200
    hotline = Hotline.objects.filter(locale__language_code="ru").first()
    assert editor_client.get(f"/admin/snippets/home/hotline/edit/{hotline.pk}/").status_code == 200
    news = NewsPage.objects.filter(locale__language_code="ru").first()
    assert editor_client.get(f"/admin/translation/submit/page/{news.pk}/").status_code == 200


def test_event_form_in_admin_shows_the_local_time_of_the_event(editor_client):
    from portal.home.models import EventPage

    event = EventPage.objects.filter(time_zone="Asia/Tashkent", locale__language_code="ru").first()
    html = editor_client.get(f"/admin/pages/{event.pk}/edit/").content.decode()
    local = event.start.astimezone(event.zone)
    assert f"{local:%Y-%m-%d %H:%M}" in html


def news_form_data(title, slug):
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "date": timezone.localdate().isoformat(),
            "intro": "Кратко.",
            "image_alt": "",
            "body": streamfield([("paragraph", rich_text("<p>Текст.</p>"))]),
            "tags": "Ош",
            "countries": [],
            "related_pages": inline_formset([]),
        }
    )


def test_editor_previews_a_new_news_item_before_it_exists(editor_client):
    index = NewsIndexPage.objects.get(locale__language_code="ru")
    url = f"/admin/pages/add/home/newspage/{index.pk}/preview/"
    assert editor_client.post(url, news_form_data("Черновик для просмотра", "preview-me")).json()[
        "is_valid"
    ]
    response = editor_client.get(url)
    assert response.status_code == 200
    assert "Черновик для просмотра" in response.content.decode()
    assert not NewsPage.objects.filter(slug="preview-me").exists()


def test_unsaved_changes_to_every_kind_of_page_preview(editor_client):
    from portal.home import models
    from portal.resources.models import ResourceIndexPage, ResourcePage

    page_types = [
        models.HomePage,
        models.NewsIndexPage,
        models.NewsPage,
        models.EventIndexPage,
        models.EventPage,
        models.CampaignIndexPage,
        models.CampaignPage,
        models.GetHelpPage,
        models.AboutPage,
        models.ContentPage,
        ResourceIndexPage,
        ResourcePage,
    ]
    for model in page_types:
        page = model.objects.filter(locale__language_code="ru").first()
        page.title = f"Предпросмотр: {model.__name__}"

        response = page.make_preview_request()

        assert response.status_code == 200, model
        assert page.title in response.content.decode(), model
        assert not model.objects.filter(title=page.title).exists()
