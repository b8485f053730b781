"""The public page cache: anonymous pages come from the cache, publishing
purges it, and nothing personal is ever stored."""

import re

import pytest
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from portal.home import cache
from tests.factories import OrganisationFactory, UserFactory
from tests.home.builders import add_hotline, add_news, publish

# The production caches: the page cache in files, the default cache on the database.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("database_caches")]


def stored(url, **headers):
    """Whether the page cache holds ``url`` as an anonymous visitor would ask it."""
    request = RequestFactory().get(url, **headers)
    return cache.page_cache().get(cache.page_key(request)) is not None


def test_second_anonymous_visit_is_served_from_the_cache_without_the_database(client, site):
    news = add_news(site.news, "Новость")
    first = client.get(news.url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(news.url)
    assert second.status_code == 200
    assert second.content == first.content
    # Answered before sessions, authentication and Wagtail's routing: the
    # cache (files) is the only thing read.
    assert len(queries) == 0
    assert stored(news.url)


def test_a_hit_carries_the_same_headers_as_the_rendered_page(client, site):
    first = client.get("/ru/", HTTP_ACCEPT_ENCODING="gzip")
    second = client.get("/ru/", HTTP_ACCEPT_ENCODING="gzip")
    assert first.content == second.content
    assert dict(first.headers) == dict(second.headers)
    for name in ("Content-Security-Policy", "X-Frame-Options", "Content-Language", "Vary"):
        assert name in second.headers, name
    assert {"Cookie", "Accept-Encoding"} <= {v.strip() for v in second["Vary"].split(",")}


def test_a_hit_remembers_the_language_read_as_a_render_does(client, site):
    client.get("/en/")  # stored
    newcomer = Client()
    hit = newcomer.get("/en/")
    assert hit.cookies["django_language"].value == "en"
    reader = Client()
    reader.cookies["django_language"] = "en"
    assert "django_language" not in reader.get("/en/").cookies  # no Set-Cookie every page


def test_a_visitor_with_a_session_is_never_answered_from_the_cache(client, site):
    news = add_news(site.news, "Новость")
    client.get(news.url)
    assert stored(news.url)
    client.force_login(UserFactory())
    with CaptureQueriesContext(connection) as queries:
        html = client.get(news.url).content.decode()
    assert "csrfmiddlewaretoken" in html  # the sign-out form: this person's page
    assert len(queries) > 0


def test_publishing_shows_the_change_at_once(client, site):
    news = add_news(site.news, "Старый заголовок")
    assert "Старый заголовок" in client.get("/ru/news/").content.decode()

    news.title = "Новый заголовок"
    publish(news)

    html = client.get("/ru/news/").content.decode()
    assert "Новый заголовок" in html
    assert "Старый заголовок" not in html


def test_unpublishing_removes_the_page_at_once(client, site):
    news = add_news(site.news, "Будет снята")
    url = news.url
    assert client.get(url).status_code == 200
    news.unpublish()
    assert client.get(url).status_code == 404
    assert "Будет снята" not in client.get("/ru/news/").content.decode()


def test_moving_and_deleting_pages_purge_the_cache(client, site):
    news = add_news(site.news, "Удаляемая")
    assert "Удаляемая" in client.get("/ru/news/").content.decode()
    news.delete()
    assert "Удаляемая" not in client.get("/ru/news/").content.decode()


def test_editing_a_hotline_shows_on_every_page_at_once(client, site):
    hotline = add_hotline("KG", "+996 3222 0 00 01")
    assert "tel:+996322200001" in client.get("/ru/").content.decode()
    hotline.phone = "189"
    hotline.save()
    html = client.get("/ru/").content.decode()
    assert "tel:189" in html
    assert "tel:+996322200001" not in html


def test_verifying_an_organisation_updates_the_about_page(client, site):
    organisation = OrganisationFactory(name="Новый участник", verified=False)
    assert "Новый участник" not in client.get(site.about.url).content.decode()
    organisation.verified = True
    organisation.save()
    assert "Новый участник" in client.get(site.about.url).content.decode()


def test_signed_in_visitors_get_fresh_pages_and_are_never_stored(client, site):
    client.force_login(UserFactory())
    html = client.get("/ru/").content.decode()
    assert "Sign out" in html or "Выйти" in html
    assert not stored("/ru/")
    client.logout()
    anonymous = client.get("/ru/").content.decode()
    assert "csrfmiddlewaretoken" not in anonymous


def test_a_cached_page_is_not_served_to_a_signed_in_visitor(client, site):
    client.get("/ru/")
    assert stored("/ru/")
    client.force_login(UserFactory())
    assert "csrfmiddlewaretoken" in client.get("/ru/").content.decode()


def test_page_showing_a_message_is_not_stored(client, site):
    client.force_login(UserFactory())
    client.post("/accounts/logout/")  # queues "You have signed out." and sends to "/"

    shown = client.get("/ru/").content.decode()

    assert 'class="messages"' in shown
    assert not stored("/ru/")
    assert 'class="messages"' not in client.get("/ru/").content.decode()


def test_password_protected_page_is_never_stored_even_after_the_password(client, site):
    news = add_news(site.news, "Закрытая")
    PageViewRestriction.objects.create(
        page=news, restriction_type=PageViewRestriction.PASSWORD, password="секрет"
    )
    form = client.get(news.url)
    assert "Закрытая" not in form.content.decode().split("<main", 1)[1]
    restriction = PageViewRestriction.objects.get(page=news)
    client.post(
        f"/ru/_util/authenticate_with_password/{restriction.pk}/{news.pk}/",
        {"password": "секрет", "return_url": news.url},
    )
    assert "Текст: Закрытая" in client.get(news.url).content.decode()
    assert not stored(news.url)
    assert "Текст: Закрытая" not in Client().get(news.url).content.decode()


def test_unknown_query_parameters_bypass_the_cache(client, site):
    client.get("/ru/news/?utm_source=spam1")
    assert not stored("/ru/news/?utm_source=spam1")
    client.get("/ru/news/?page=1")
    assert stored("/ru/news/?page=1")


def test_made_up_page_numbers_are_not_stored_in_the_page_cache(client, site):
    add_news(site.news, "Новость")
    for page in ("abc", "0", "01", "99", "x" * 50):
        assert client.get(f"/ru/news/?page={page}").status_code == 200
        assert not stored(f"/ru/news/?page={page}")
    client.get("/ru/news/")
    client.get("/ru/news/?page=1")
    assert stored("/ru/news/") and stored("/ru/news/?page=1")


def test_cached_pages_are_compressed_for_browsers_that_accept_it(client, site):
    plain = client.get("/ru/")
    compressed = client.get("/ru/", HTTP_ACCEPT_ENCODING="gzip")
    assert compressed["Content-Encoding"] == "gzip"
    assert len(compressed.content) < len(plain.content) / 2


def test_lost_version_key_makes_every_entry_stale(client, site):
    news = add_news(site.news, "До")
    client.get("/ru/news/")
    cache.page_cache().delete(cache.VERSION_KEY)
    news.title = "После"
    news.save()  # a change that sends no signal at all
    assert "После" in client.get("/ru/news/").content.decode()


@override_settings(PORTAL_PAGE_CACHE_SECONDS=0)
def test_cache_can_be_switched_off(client, site):
    client.get("/ru/")
    assert not stored("/ru/")


def test_migrating_a_new_release_purges_pages_rendered_by_the_old_one(client, site):
    from django.apps import apps
    from django.db.models.signals import post_migrate

    client.get("/ru/")
    version = cache.page_cache().get(cache.VERSION_KEY)
    post_migrate.send(sender=apps.get_app_config("home"), app_config=apps.get_app_config("home"))
    assert cache.page_cache().get(cache.VERSION_KEY) != version


def test_root_response_varies_on_language_and_cookie_even_when_compressed(client, site):
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    vary = {part.strip() for part in response["Vary"].split(",")}
    assert {"Accept-Language", "Cookie", "Accept-Encoding"} <= vary


def test_saving_many_objects_in_one_transaction_purges_once_after_commit(site):
    from django.db import transaction

    from portal.home import signals

    with transaction.atomic():
        for n in range(5):
            add_hotline("KG", f"+996 312 00 00 0{n}")
        connection = transaction.get_connection()
        pending = [
            entry for entry in connection.run_on_commit if entry[1] is signals._purge_after_commit
        ]
    assert len(pending) == 1


def test_during_an_outage_a_copy_is_served_only_if_nothing_public_changed_since(site, rf):
    """The database-outage answer (portal/home/outage.py; the real outage is
    tests/browser/test_database_outage.py): a stored copy, however old, but
    never one from before a change, which may have taken something down."""
    news = add_news(site.news, "Фамилия пострадавшей")
    Client().get(news.url)
    assert cache.stale_response(rf.get(news.url)) is not None

    news.title = "Без имени"
    publish(news)  # the editor removes the name
    assert cache.stale_response(rf.get(news.url)) is None
    fresh = Client().get(news.url).content.decode()  # a visitor reads the new version
    stale = cache.stale_response(rf.get(news.url)).content.decode()
    assert "Без имени" in stale and "stale-notice" in stale
    notice = re.compile(r'<div class="stale-notice".*?</div></div>\n?', re.S)
    assert notice.sub("", stale) == fresh  # the copy stored after the change, as it was

    news.unpublish()
    assert cache.stale_response(rf.get(news.url)) is None
