"""How resources appear in search (contract: portal/search/registry.py)."""

from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model

from portal.home.search import PortalPageSource
from portal.search.registry import registry

from .models import ResourcePage


class ResourceSource(PortalPageSource):
    kind = "resource"
    label = _("Resource")
    model = ResourcePage

    def __init__(self):
        # The document's title and address are in the resource's entry: renaming
        # or deleting the document re-indexes the resources that offer it.
        self.watch = {get_document_model(): self.pages_offering}

    @staticmethod
    def pages_offering(document):
        return ResourcePage.objects.filter(document=document).values_list("pk", flat=True)

    def get_queryset(self):
        return super().get_queryset().select_related("document")

    def body_for(self, page):
        body = page.search_body()
        if page.document:
            body = f"{body}\n{page.document.title}".strip()
        return body

    def countries_for(self, page):
        return page.country_codes

    def date_for(self, page):
        return page.date

    def extra_for(self, page):
        document = page.document
        return {
            "summary": page.intro,
            "topic": page.topic,
            "audiences": page.audience_codes,
            "resource_type": page.resource_type,
            "document_language": page.document_language,
            "document_url": document.url if document else "",
            "document_extension": document.file_extension if document else "",
        }


def register():
    registry.register(ResourceSource())
