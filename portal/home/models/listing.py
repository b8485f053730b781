"""Helpers shared by the index pages: pagination that refuses bad input
clearly, and image prefetching for cards."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

# Card images are small and the same everywhere, so one rendition serves every list.
CARD_IMAGE_SPEC = "fill-480x270|jpegquality-70"


def card_image_prefetch(field="image"):
    """Prefetch the card rendition with the images: no query per card."""
    return Prefetch(field, queryset=get_image_model().objects.prefetch_renditions(CARD_IMAGE_SPEC))


def paginate(request, items, per_page):
    """The requested page of ``items``; 404 for a page number that is not a
    number or does not exist (as Django's list views do)."""
    paginator = Paginator(items, per_page)
    number = request.GET.get("page") or 1
    try:
        return paginator.page(number)
    except (PageNotAnInteger, EmptyPage) as exc:
        raise Http404(_("There is no such page of results.")) from exc
