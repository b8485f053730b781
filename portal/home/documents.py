"""Which documents a public page may offer.

A document in a collection with a view restriction is served only to the
people the restriction lets in, but a public page that links it shows its
title, type and size to everyone, and search indexes them. Editors choose
documents from every collection they may use, so the page refuses such a
document when it is saved rather than leaking its title on publish.
"""

from django.utils.translation import gettext_lazy as _

PRIVATE_DOCUMENT_MESSAGE = _(
    "This document is in a private collection, and a public page would show its "
    "title to everyone. Move it to a public collection, or choose another document."
)


def is_public_document(document):
    return not document.collection.get_view_restrictions().exists()
