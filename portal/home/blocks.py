"""StreamField blocks shared by every public page type (news, campaigns, events,
resources, the home, help and about pages). Templates live in templates/blocks/."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from .documents import PRIVATE_DOCUMENT_MESSAGE, is_public_document

# Rich text stays simple: headings come from the heading block so the page
# outline is predictable for screen readers.
PARAGRAPH_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("text"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("level"),
        choices=[("h2", _("Section heading")), ("h3", _("Subsection heading"))],
        default="h2",
        # The level is layout, not content: keep its label out of search text.
        search_index=False,
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "blocks/heading.html"


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", PARAGRAPH_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Paragraph")
        template = "blocks/paragraph.html"


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(
        label=_("alternative text"),
        max_length=250,
        help_text=_(
            "Required. What the image shows, for people who cannot see it "
            "(read aloud by screen readers)."
        ),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(label=_("attribution"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "blocks/quote.html"


class LinkedEmbedBlock(EmbedBlock):
    """A video or post from another site, shown as a link card.

    The third-party player is not loaded with the page: people at risk may be
    watched, and a YouTube or Facebook frame tells those sites who read what; it
    also costs a megabyte on a slow phone connection. The visitor opens the
    video on purpose."""

    class Meta:
        icon = "media"
        label = _("Embedded media")
        template = "blocks/embed.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    label = blocks.CharBlock(
        label=_("link text"),
        required=False,
        max_length=200,
        help_text=_("Optional. The document's title is used when empty."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "blocks/document_link.html"

    def clean(self, value):
        value = super().clean(value)
        document = value.get("document")
        if document is not None and not is_public_document(document):
            raise StructBlockValidationError(
                block_errors={"document": ValidationError(PRIVATE_DOCUMENT_MESSAGE)}
            )
        return value


class ExternalLinkBlock(blocks.StructBlock):
    url = blocks.URLBlock(label=_("address"))
    title = blocks.CharBlock(label=_("title"), max_length=200)
    description = blocks.CharBlock(label=_("description"), required=False, max_length=300)

    class Meta:
        icon = "link-external"
        label = _("Link")
        template = "blocks/external_link.html"


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    embed = LinkedEmbedBlock()
    document = DocumentLinkBlock()

    class Meta:
        template = "blocks/body.html"


class MaterialsBlock(blocks.StreamBlock):
    """Campaign materials: documents to download and links to elsewhere."""

    document = DocumentLinkBlock()
    link = ExternalLinkBlock()

    class Meta:
        template = "blocks/materials.html"
