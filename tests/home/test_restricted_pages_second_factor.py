"""Pages and documents restricted to signed-in people ask the same second-factor
rule as the members' area: a stolen password alone opens none of them."""

import pytest
from django.urls import reverse
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from tests.factories import UserFactory
from tests.home.builders import add_news, make_document
from tests.mfa import add_totp, pass_second_factor

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Протокол встречи координаторов"


@pytest.fixture
def restricted_news(site):
    news = add_news(site.news, SECRET_TITLE)
    PageViewRestriction.objects.create(page=news, restriction_type=PageViewRestriction.LOGIN)
    return news


@pytest.fixture
def restricted_document():
    collection = Collection.get_first_root_node().add_child(name="Только для сети")
    CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.LOGIN
    )
    document = make_document(title="Протокол", content=b"minutes of the meeting")
    document.collection = collection
    document.save()
    return document


def document_url(document):
    return reverse("wagtaildocs_serve", args=(document.pk, document.filename))


def test_a_password_only_session_of_an_account_with_an_authenticator_opens_no_restricted_page(
    client, restricted_news
):
    person = UserFactory()
    secret = add_totp(person)
    client.force_login(person)  # a stolen password, through any path

    response = client.get(restricted_news.url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_reauthenticate"))
    assert SECRET_TITLE not in client.get(restricted_news.url, follow=True).content.decode()

    pass_second_factor(client, person, secret)
    page = client.get(restricted_news.url)
    assert page.status_code == 200
    assert SECRET_TITLE in page.content.decode()


def test_a_password_only_session_opens_no_document_of_a_restricted_collection(
    client, restricted_document
):
    person = UserFactory()
    secret = add_totp(person)
    client.force_login(person)

    response = client.get(document_url(restricted_document))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_reauthenticate"))

    pass_second_factor(client, person, secret)
    response = client.get(document_url(restricted_document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"minutes of the meeting"


def test_with_mfa_required_a_person_without_an_authenticator_sets_one_up_first(
    client, restricted_news, settings
):
    settings.PORTAL_REQUIRE_MFA = True
    client.force_login(UserFactory())
    response = client.get(restricted_news.url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_signed_in_people_without_a_second_factor_rule_read_as_before(client, restricted_news):
    client.force_login(UserFactory())  # no authenticator, MFA not required (test settings)
    assert SECRET_TITLE in client.get(restricted_news.url).content.decode()


def test_anonymous_visitors_are_still_sent_to_sign_in(client, restricted_news):
    response = client.get(restricted_news.url)
    assert response.status_code == 302
    assert SECRET_TITLE not in client.get(restricted_news.url, follow=True).content.decode()
