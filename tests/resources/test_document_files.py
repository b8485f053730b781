"""Document files leave only through Wagtail's serve view, which checks the
privacy of their collection; /media/ serves images and nothing else."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.blocks import StructBlockValidationError
from wagtail.models import Collection, CollectionViewRestriction

from portal.home.blocks import DocumentLinkBlock
from portal.home.documents import PRIVATE_DOCUMENT_MESSAGE
from portal.resources.models import ResourcePage
from tests.home.builders import make_document, make_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_served(settings):
    settings.PORTAL_SERVE_MEDIA = True
    settings.DEBUG = False


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_document_file_is_not_reachable_under_media(client, media_served):
    document = make_document(content=b"public memo", name="memo.txt")
    assert document.file.url.startswith("/media/documents/")

    assert client.get(document.file.url).status_code == 404
    # Its own address still works and is the one pages link to.
    response = client.get(document.url)
    assert response.status_code == 200
    assert body(response) == b"public memo"


@pytest.mark.parametrize(
    "template",
    [
        "/media/images/../documents/{name}",
        "/media/./documents/{name}",
        "/media//documents/{name}",
        "/media/documents/",
        "/media/",
    ],
)
def test_media_refuses_documents_by_any_spelling_of_the_path(client, media_served, template):
    document = make_document(content=b"memo", name="memo.txt")
    name = document.file.name.removeprefix("documents/")
    assert client.get(template.format(name=name)).status_code == 404


def test_images_and_renditions_are_still_served_under_media(client, media_served):
    image = make_image("Плакат")
    rendition = image.get_rendition("fill-120x80")
    assert rendition.url.startswith("/media/images/")

    response = client.get(rendition.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert client.get(image.file.url).status_code == 200


def test_media_answers_404_when_django_does_not_serve_it(client, settings):
    settings.PORTAL_SERVE_MEDIA = False
    settings.DEBUG = False
    image = make_image("Плакат")
    assert client.get(image.get_rendition("fill-120x80").url).status_code == 404


def test_document_in_a_private_collection_is_refused_to_anonymous_visitors(client, media_served):
    private = Collection.get_first_root_node().add_child(name="Только для участников")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    document = make_document(content=b"internal memo", name="internal.txt")
    document.collection = private
    document.save()

    served = client.get(document.url)
    direct = client.get(document.file.url)

    assert served.status_code == 302
    assert served["Location"].startswith("/accounts/login/")
    assert direct.status_code == 404
    assert b"internal memo" not in body(served) + body(direct)


def private_document():
    private = Collection.get_first_root_node().add_child(name="Только для участников")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    document = make_document(title="Служебная записка", name="internal.txt")
    document.collection = private
    document.save()
    return document


def test_a_public_page_refuses_a_document_from_a_private_collection(site):
    document = private_document()
    resource = ResourcePage(
        title="Памятка",
        slug="pamyatka",
        intro="О ресурсе.",
        resource_type="guide",
        topic="prevention",
        audiences="public",
        document_language="ru",
        document=document,
    )
    with pytest.raises(ValidationError) as refused:
        site.resources.add_child(instance=resource)
    assert refused.value.message_dict["document"] == [str(PRIVATE_DOCUMENT_MESSAGE)]

    block = DocumentLinkBlock()
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(block.to_python({"document": document.pk, "label": ""}))
    assert refused.value.block_errors["document"].messages == [str(PRIVATE_DOCUMENT_MESSAGE)]
    # A document in a public collection is accepted by both.
    public = make_document(title="Памятка мигранту")
    assert block.clean(block.to_python({"document": public.pk, "label": ""}))["document"] == public
    resource.document = public
    site.resources.add_child(instance=resource)
    assert ResourcePage.objects.filter(slug="pamyatka").exists()
