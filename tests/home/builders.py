"""Build public-site pages for tests the way editors do: create in the default
language, publish, translate with Wagtail's copy_for_translation."""

from __future__ import annotations

import datetime
import io
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from portal.home import models
from portal.resources.models import ResourceIndexPage, ResourcePage


def paragraph(text):
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def locale(code):
    return Locale.objects.get_or_create(language_code=code)[0]


def translate(page, code, **fields):
    """Translate ``page`` (its parent must be translated already) and publish."""
    translated = page.copy_for_translation(locale(code)).specific
    tags = fields.pop("tags", None)
    for name, value in fields.items():
        setattr(translated, name, value)
    if tags is not None:
        translated.tags.clear()
        translated.tags.add(*tags)
    return publish(translated)


def add(parent, page):
    parent.add_child(instance=page)
    return publish(page)


@transaction.atomic
def make_site(*, english=True):
    """Home pages in Russian (and English) with every section page under them.
    In one transaction: where tests commit (browser tests), the search index
    is then written once for the whole tree, not after each page's save."""
    root = Page.get_first_root_node()
    for child in root.get_children():
        child.delete()
    ru = locale("ru")
    home = models.HomePage(
        title="Главная", slug="home", locale=ru, lead="Сеть против торговли людьми"
    )
    root.add_child(instance=home)
    publish(home)
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname, site.port, site.root_page = "localhost", 80, home
    site.save()

    sections = SimpleNamespace(home=home)
    for name, model, slug, title in [
        ("news", models.NewsIndexPage, "news", "Новости"),
        ("events", models.EventIndexPage, "events", "Мероприятия"),
        ("campaigns", models.CampaignIndexPage, "campaigns", "Кампании"),
        ("resources", ResourceIndexPage, "resources", "Ресурсы"),
        ("get_help", models.GetHelpPage, "get-help", "Получить помощь"),
        ("about", models.AboutPage, "about", "О сети"),
    ]:
        setattr(sections, name, add(home, model(title=title, slug=slug, show_in_menus=True)))
    if english:
        sections.home_en = translate(home, "en", title="Home", lead="A network against trafficking")
        for name, title in [
            ("news", "News"),
            ("events", "Events"),
            ("campaigns", "Campaigns"),
            ("resources", "Resources"),
            ("get_help", "Get help"),
            ("about", "About"),
        ]:
            setattr(sections, f"{name}_en", translate(getattr(sections, name), "en", title=title))
    return sections


def add_news(index, title, *, slug=None, days_ago=0, tags=(), intro="Кратко о новости.", **fields):
    page = models.NewsPage(
        title=title,
        slug=slug or _slug(title),
        date=timezone.localdate() - datetime.timedelta(days=days_ago),
        intro=intro,
        body=fields.pop("body", paragraph(f"Текст: {title}")),
        **fields,
    )
    if tags:
        page.tags.add(*tags)
    return add(index, page)


def add_event(index, title, *, days=7, hours=3, zone="Asia/Bishkek", **fields):
    start = timezone.now().astimezone(ZoneInfo(zone)).replace(
        hour=10, minute=0, second=0, microsecond=0
    ) + datetime.timedelta(days=days)
    fields.setdefault("city", "Ош")
    page = models.EventPage(
        title=title,
        slug=fields.pop("slug", _slug(title)),
        intro=fields.pop("intro", "О мероприятии."),
        start=start,
        end=start + datetime.timedelta(hours=hours) if hours else None,
        time_zone=zone,
        **fields,
    )
    return add(index, page)


def add_campaign(index, title, *, start_days=-5, end_days=30, **fields):
    today = timezone.localdate()
    page = models.CampaignPage(
        title=title,
        slug=fields.pop("slug", _slug(title)),
        intro=fields.pop("intro", "О кампании."),
        start_date=today + datetime.timedelta(days=start_days),
        end_date=today + datetime.timedelta(days=end_days) if end_days is not None else None,
        body=fields.pop("body", paragraph("Текст кампании.")),
        **fields,
    )
    return add(index, page)


def make_document(title="Памятка", content=b"demo document", name="memo.txt"):
    Document = get_document_model()
    document = Document(title=title, file=ContentFile(content, name=name))
    document._set_document_file_metadata()
    document.save()
    return document


def make_image(title="Picture", size=(640, 360)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (30, 120, 110)).save(buffer, "JPEG")
    image = get_image_model()(title=title, file=ImageFile(buffer, name=f"{_slug(title)}.jpg"))
    image.save()
    return image


def add_resource(index, title, *, document=None, **fields):
    defaults = {
        "intro": "О ресурсе.",
        "resource_type": "guide",
        "topic": "prevention",
        "audiences": "public",
        "document_language": "ru",
        "countries": "KG",
    }
    defaults.update(fields)
    page = ResourcePage(
        title=title,
        slug=defaults.pop("slug", _slug(title)),
        document=document or make_document(title=f"Файл: {title}"),
        **defaults,
    )
    return add(index, page)


def add_library(index):
    """The library the public site's browser tests find: a leaflet for
    everyone, extracts of a code for lawyers (a Word file, Tajikistan) and a
    training module for the police."""
    add_resource(index, "Памятка перед отъездом", topic="safe_migration", audiences="public")
    add_resource(
        index,
        "Кодекс: выдержки",
        topic="legal",
        resource_type="legal_text",
        audiences="lawyers",
        countries="TJ",
        document=make_document(
            "Кодекс: выдержки", content=b"PK\x03\x04 demo", name="kodeks-vyderzhki.docx"
        ),
    )
    add_resource(index, "Модуль для милиции", topic="identification", audiences="police")


def add_hotline(country="KG", phone="+996 312 00 00 01", code="ru", **fields):
    fields.setdefault("organisation", "Горячая линия")
    fields.setdefault("hours", "Круглосуточно")
    fields.setdefault("languages", "русский, кыргызский")
    return models.Hotline.objects.create(
        locale=locale(code), country=country, phone=phone, **fields
    )


_counter = {"n": 0}


def _slug(title):
    _counter["n"] += 1
    ascii_part = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in title.lower())
    return f"{ascii_part.strip('-')[:30] or 'page'}-{_counter['n']}"
