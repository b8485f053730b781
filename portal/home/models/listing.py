"""Helpers shared by the index pages: image prefetching for cards.
(Pagination is portal.core.pagination, shared with every list.)"""

from django.db.models import Prefetch
from wagtail.images import get_image_model

# Card images are small and the same everywhere, so one rendition serves every list.
CARD_IMAGE_SPEC = "fill-480x270|jpegquality-70"


def card_image_prefetch(field="image"):
    """Prefetch the card rendition with the images: no query per card."""
    return Prefetch(field, queryset=get_image_model().objects.prefetch_renditions(CARD_IMAGE_SPEC))
