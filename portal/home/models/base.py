"""What every public page type has in common: a summary, a share image and the
plain text that search indexes."""

from django.db import models
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.rich_text import get_text_for_indexing

from ..review import review_flag_field, review_label

META_DESCRIPTION_LENGTH = 160


def stream_text(value):
    """Plain text of a StreamField value (headings, paragraphs, captions, alt
    texts, quotes), one block per line."""
    if not value:
        return ""
    parts = value.stream_block.get_searchable_content(value)
    return "\n".join(part.strip() for part in parts if part and part.strip())


class BasePage(Page):
    """Abstract base of the portal's public page types."""

    # Names of fields whose text search indexes, in order of importance.
    search_text_fields: tuple[str, ...] = ("intro", "body")
    # Open Graph type of the page (https://ogp.me/#types).
    og_type = "website"

    needs_native_review = review_flag_field()

    settings_panels = [FieldPanel("needs_native_review"), *Page.settings_panels]

    class Meta:
        abstract = True

    def get_admin_display_title(self):
        # Explorer listings, the editor's header and breadcrumbs all use this:
        # an unchecked translation is visible wherever an editor meets the page.
        return review_label(super().get_admin_display_title(), self.needs_native_review)

    @property
    def summary(self):
        """One or two sentences for listings, feeds and the meta description."""
        return getattr(self, "intro", "") or ""

    @property
    def meta_description(self):
        text = self.search_description or self.summary
        return Truncator(" ".join(text.split())).chars(META_DESCRIPTION_LENGTH)

    @property
    def share_image(self):
        return getattr(self, "image", None)

    def search_body(self):
        """Plain text of the page for search (never HTML)."""
        parts = [self.search_description]
        for name in self.search_text_fields:
            field = self._meta.get_field(name)
            value = getattr(self, name)
            if isinstance(field, StreamField):
                parts.append(stream_text(value))
            elif isinstance(field, RichTextField):
                parts.append(get_text_for_indexing(value or ""))
            else:
                parts.append(str(value or ""))
        return "\n".join(part.strip() for part in parts if part and part.strip())


class IllustratedPage(BasePage):
    """A page with one illustration whose description is required with it."""

    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        _("image description"),
        max_length=250,
        blank=True,
        help_text=_("Required with an image: what it shows, for people who cannot see it."),
    )

    image_panel = MultiFieldPanel(
        [FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")
    )

    class Meta:
        abstract = True

    def image_errors(self):
        """Validation errors of the illustration, for the page's clean()."""
        if self.image_id and not self.image_alt.strip():
            return {"image_alt": _("Describe the image for people who cannot see it.")}
        return {}
