import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_site(demo_once):
    """The demo, loaded once for this module: these tests only read it."""


def test_root_answers_200_with_the_home_page_in_russian_by_default(client, demo_site):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="ru">' in response.content.decode()


def test_root_follows_the_browser_language(client, demo_site):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Ferghana Valley Network" in response.content.decode()


def test_language_prefixed_home_pages(client, demo_site):
    assert client.get("/ru/").status_code == 200
    assert client.get("/en/").status_code == 200


def test_health_check(client):
    response = client.get("/healthz/")
    assert response.json() == {"status": "ok"}
