"""Demo resource library: the library page in each language and eleven
resources, each with a small real document generated here (PDF, DOCX, XLSX,
CSV or text). Texts: data/library.json. Idempotent like the public site step."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Locale, Site

from portal.home.models import HomePage
from portal.resources.models import ResourceIndexPage, ResourcePage

from .. import data, media
from ..pages import ensure_child, ensure_locales, ensure_translation


def _document_bytes(spec):
    kind = spec["format"]
    if kind == "pdf":
        return media.pdf_document(spec["title"], spec["sections"], author="Ferghana Network")
    if kind == "docx":
        return media.docx_document(spec["title"], spec["sections"])
    if kind == "xlsx":
        return media.xlsx_document(spec["title"], spec["header"], spec["rows"])
    if kind == "csv":
        return media.csv_document(spec["header"], spec["rows"])
    return media.text_document(spec["title"], spec["sections"])


def ensure_document(spec):
    Document = get_document_model()
    title = spec.get("title") or spec["name"]
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title, file=ContentFile(_document_bytes(spec), name=spec["name"]))
        # Wagtail's upload form fills size and hash; a document made in code asks for it.
        document._set_document_file_metadata()
        document.save()
    return document


def load_resources(ctx):
    content = data.library()
    locales = ensure_locales()
    default_locale = Locale.get_default()
    others = {code: locale for code, locale in locales.items() if locale.pk != default_locale.pk}
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    home = (
        site.root_page.specific if site else HomePage.objects.filter(locale=default_locale).first()
    )

    code = default_locale.language_code
    texts = content["library"]
    library = ensure_child(
        ctx, home, ResourceIndexPage, "resources", show_in_menus=True, **texts[code]
    )
    for other_code, locale in others.items():
        if other_code in texts:
            ensure_translation(ctx, library, locale, **texts[other_code])

    today = timezone.localdate()
    for item in content["resources"]:
        document = ensure_document(item["document"])
        page = library.get_children().filter(slug=item["slug"]).first()
        if page is None:
            page = ensure_child(
                ctx,
                library,
                ResourcePage,
                item["slug"],
                document=document,
                resource_type=item["type"],
                topic=item["topic"],
                audiences=item["audiences"],
                document_language=item["language"],
                countries=item["countries"],
                date=today - datetime.timedelta(days=item["days_ago"]),
                featured=item["featured"],
                publisher=item["publisher"],
                **item[code],
            )
        else:
            page = page.specific
        for other_code, locale in others.items():
            if other_code in item:
                ensure_translation(ctx, page, locale, **item[other_code])
    ctx.made["library"] = library
