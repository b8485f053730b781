"""Building blocks of the page steps (public site, library).

Idempotent: everything is looked up by a stable key (slug, title) and only
created when missing; translations are made with Wagtail's own
copy_for_translation, then edited, exactly as an editor would. Nothing an
editor changed is overwritten on a second run.
"""

import io

from django.conf import settings
from django.core.files.images import ImageFile
from django.utils.html import escape
from wagtail.images import get_image_model
from wagtail.models import Locale


def ensure_locales():
    return {
        code: Locale.objects.get_or_create(language_code=code)[0] for code, _ in settings.LANGUAGES
    }


def image_alt(images, key, language):
    """The illustration's description: English on English pages, Russian on
    the others (the local languages' pages say which alt text they use)."""
    alt = images[key]["alt"]
    return alt["en"] if language == "en" else alt["ru"]


def stream(blocks, images=None, language="ru", image_texts=None):
    """Raw StreamField data from the compact block lists of the data files.
    ``images`` maps image keys to saved images, ``image_texts`` to their texts."""
    data = []
    for block in blocks:
        kind = block[0]
        if kind == "p":
            data.append({"type": "paragraph", "value": f"<p>{escape(block[1])}</p>"})
        elif kind in ("h2", "h3"):
            data.append({"type": "heading", "value": {"text": block[1], "level": kind}})
        elif kind == "quote":
            data.append({"type": "quote", "value": {"quote": block[1], "attribution": block[2]}})
        elif kind == "image":
            image = images[block[1]]
            alt = image_alt(image_texts, block[1], language)
            data.append(
                {
                    "type": "image",
                    "value": {"image": image.pk, "alt_text": alt, "caption": block[2]},
                }
            )
        elif kind == "link":
            data.append(
                {
                    "type": "link",
                    "value": {"url": block[1], "title": block[2], "description": block[3]},
                }
            )
        else:
            raise ValueError(f"unknown demo block {kind!r}")
    return data


def publish(page):
    page.save_revision().publish()
    return page


def ensure_child(ctx, parent, model, slug, **fields):
    """The child of ``parent`` with ``slug``; created and published if missing."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    publish(page)
    ctx.say(f"created {model._meta.verbose_name} {parent.url_path}{slug}/")
    return page


def ensure_translation(ctx, page, locale, **fields):
    """The translation of ``page`` into ``locale``: Wagtail's copy, then the
    translated fields, then published. Left alone when it exists already."""
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    translated = page.copy_for_translation(locale).specific
    tags = fields.pop("tags", None)
    for name, value in fields.items():
        setattr(translated, name, value)
    if tags is not None:
        translated.tags.clear()
        translated.tags.add(*tags)
    publish(translated)
    ctx.say(f"translated {translated.url_path} ({locale.language_code})")
    return translated


def ensure_image(title, draw_jpeg, description):
    """The image titled ``title``; ``draw_jpeg()`` gives its bytes when it is
    missing (drawing takes a moment, so a second run skips it)."""
    Image = get_image_model()
    image = Image.objects.filter(title=title).first()
    if image is None:
        slug = "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-")
        image = Image(
            title=title,
            description=description,
            file=ImageFile(io.BytesIO(draw_jpeg()), name=f"demo-{slug or 'image'}.jpg"),
        )
        image.save()
    return image
