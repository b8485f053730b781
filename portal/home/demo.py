"""Demo public site (step of `manage.py load_demo`): the home page and its
sections in Russian and English, member organisations, hotlines, news, events,
a campaign and illustrations.

Idempotent: everything is looked up by a stable key (slug, title, number) and
only created when missing; translations are made with Wagtail's own
copy_for_translation, then edited, exactly as an editor would. Nothing an
editor changed is overwritten on a second run.
"""

import datetime
import io
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.files.images import ImageFile
from django.utils import timezone
from django.utils.html import escape
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
)

from portal.members.demo import OFFICE_EDITORS, ensure_organisations

from . import demo_content as content
from . import models
from .demo_content_local import CAMPAIGN_IMAGE_ALT, NEEDS_REVIEW
from .demo_media import landscape_jpeg

# --- Building blocks shared with the resources demo ---------------------------


def ensure_locales():
    return {
        code: Locale.objects.get_or_create(language_code=code)[0] for code, _ in settings.LANGUAGES
    }


def stream(blocks, images=None, language="ru"):
    """Raw StreamField data from the compact block lists of demo_content."""
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
            alt = content.IMAGES[block[1]][3 if language == "en" else 2]
            data.append(
                {
                    "type": "image",
                    "value": {"image": image.pk, "alt_text": alt, "caption": block[2]},
                }
            )
        elif kind == "document":
            data.append({"type": "document", "value": {"document": block[1].pk, "label": block[2]}})
        elif kind == "link":
            data.append(
                {
                    "type": "link",
                    "value": {"url": block[1], "title": block[2], "description": block[3]},
                }
            )
    return data


def review_flag(code):
    """Texts nobody fluent has checked yet carry the admin's review flag."""
    return {"needs_native_review": code in NEEDS_REVIEW}


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


def ensure_image(title, jpeg_bytes, description):
    Image = get_image_model()
    image = Image.objects.filter(title=title).first()
    if image is None:
        slug = "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-")
        image = Image(
            title=title,
            description=description,
            file=ImageFile(io.BytesIO(jpeg_bytes), name=f"demo-{slug or 'image'}.jpg"),
        )
        image.save()
    return image


# --- The steps ----------------------------------------------------------------


def load_site(ctx):
    locales = ensure_locales()
    default_locale = Locale.get_default()
    others = {code: locale for code, locale in locales.items() if locale.pk != default_locale.pk}

    home = _ensure_home(ctx, default_locale, others)
    organisations = ensure_organisations(ctx)
    images = {
        key: ensure_image(f"Demo: {title}", landscape_jpeg(key, palette), alt_en)
        for key, (title, palette, _alt_ru, alt_en) in content.IMAGES.items()
    }
    sections = _ensure_sections(ctx, home, others)
    _ensure_hotlines(ctx, default_locale, others)
    _ensure_news(ctx, sections["news"], others, organisations, images)
    _ensure_events(ctx, sections["events"], others, organisations)
    _ensure_campaign(ctx, sections["campaigns"], others, images)
    _grant_editors()

    ctx.made.update(home=home, sections=sections, images=images, organisations=organisations)


def _ensure_home(ctx, default_locale, others):
    root = Page.get_first_root_node()
    # Wagtail's initial "Welcome" page (slug "home") makes way for ours.
    for page in root.get_children().not_type(models.HomePage):
        page.delete()

    home = models.HomePage.objects.filter(locale=default_locale).first()
    code = default_locale.language_code
    if home is None:
        home = models.HomePage(
            slug="home",
            locale=default_locale,
            body=stream(content.HOME_BODY.get(code, [])),
            **content.HOME[code],
        )
        root.add_child(instance=home)
        publish(home)
        ctx.say(f"created home page ({code})")

    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname, site.port = "localhost", 80
    site.site_name = settings.WAGTAIL_SITE_NAME
    site.root_page = home
    site.save()

    for code, locale in others.items():
        if code in content.HOME:
            ensure_translation(
                ctx,
                home,
                locale,
                body=stream(content.HOME_BODY.get(code, [])),
                **content.HOME[code],
                **review_flag(code),
            )
    return home


def _ensure_sections(ctx, home, others):
    sections = {}
    for slug in content.SECTION_ORDER:
        model_name, languages = content.SECTIONS[slug]
        model = getattr(models, model_name)
        code = home.locale.language_code
        fields = dict(languages[code])
        if (slug, code) in content.SECTION_BODIES:
            fields["body"] = stream(content.SECTION_BODIES[(slug, code)])
        page = ensure_child(
            ctx, home, model, slug, show_in_menus=slug in content.IN_MENUS, **fields
        )
        for other_code, locale in others.items():
            if other_code not in languages:
                continue
            translated = dict(languages[other_code], **review_flag(other_code))
            if (slug, other_code) in content.SECTION_BODIES:
                translated["body"] = stream(content.SECTION_BODIES[(slug, other_code)])
            ensure_translation(ctx, page, locale, **translated)
        sections[slug] = page
    return sections


def _ensure_hotlines(ctx, default_locale, others):
    code = default_locale.language_code
    for _key, country, phone, order, texts in content.HOTLINES:
        hotline = models.Hotline.objects.filter(
            locale=default_locale, country=country, phone=phone
        ).first()
        if hotline is None:
            organisation, hours, languages, note = texts[code]
            hotline = models.Hotline.objects.create(
                locale=default_locale,
                country=country,
                phone=phone,
                sort_order=order,
                organisation=organisation,
                hours=hours,
                languages=languages,
                note=note,
            )
            ctx.say(f"created hotline {country} {phone}")
        for other_code, locale in others.items():
            if other_code not in texts or hotline.has_translation(locale):
                continue
            translated = hotline.copy_for_translation(locale)
            organisation, hours, languages, note = texts[other_code]
            translated.organisation, translated.hours = organisation, hours
            translated.languages, translated.note = languages, note
            translated.needs_native_review = other_code in NEEDS_REVIEW
            translated.save()
            ctx.say(f"translated hotline {country} {phone} ({other_code})")


def _news_fields(item, language, organisations, images):
    texts = item[language]
    fields = {
        "title": texts["title"],
        "intro": texts["intro"],
        "body": stream(texts["body"], images, language),
    }
    image_key = item.get("image")
    if image_key:
        fields["image_alt"] = content.IMAGES[image_key][3 if language == "en" else 2]
    return fields


def _ensure_news(ctx, index, others, organisations, images):
    today = timezone.localdate()
    code = index.locale.language_code
    for item in content.NEWS:
        existing = index.get_children().filter(slug=item["slug"]).first()
        if existing is None:
            page = models.NewsPage(
                slug=item["slug"],
                date=today - datetime.timedelta(days=item["days_ago"]),
                author_organisation=organisations.get(item["organisation"]),
                image=images.get(item.get("image")),
                countries=item.get("countries", ""),
                **_news_fields(item, code, organisations, images),
            )
            page.tags.add(*item[code]["tags"])
            index.add_child(instance=page)
            publish(page)
            ctx.say(f"created news {index.url_path}{item['slug']}/")
        else:
            page = existing.specific
        for other_code, locale in others.items():
            if other_code in item:
                ensure_translation(
                    ctx,
                    page,
                    locale,
                    tags=item[other_code]["tags"],
                    **_news_fields(item, other_code, organisations, images),
                )


def _ensure_events(ctx, index, others, organisations):
    today = timezone.localdate()
    code = index.locale.language_code
    for item in content.EVENTS:
        existing = index.get_children().filter(slug=item["slug"]).first()
        if existing is None:
            zone = ZoneInfo(item["time_zone"])
            day = today + datetime.timedelta(days=item["days_from_now"])
            start = datetime.datetime.combine(day, datetime.time(item["hour"]), tzinfo=zone)
            page = models.EventPage(
                slug=item["slug"],
                start=start,
                end=start + datetime.timedelta(hours=item["hours"]),
                time_zone=item["time_zone"],
                event_type=item["event_type"],
                attendance=item["attendance"],
                venue=item.get("venue", ""),
                address=item.get("address", ""),
                city=item.get("city", ""),
                country=item.get("country", ""),
                online_url=item.get("online_url", ""),
                registration_url=item.get("registration_url", ""),
                organiser=organisations.get(item["organiser"]),
                **item[code],
            )
            index.add_child(instance=page)
            publish(page)
            ctx.say(f"created event {index.url_path}{item['slug']}/")
        else:
            page = existing.specific
        for other_code, locale in others.items():
            if other_code in item:
                ensure_translation(ctx, page, locale, **item[other_code])


def _ensure_campaign(ctx, index, others, images):
    item = content.CAMPAIGN
    code = index.locale.language_code
    existing = index.get_children().filter(slug=item["slug"]).first()
    if existing is None:
        today = timezone.localdate()
        texts = item[code]
        page = models.CampaignPage(
            slug=item["slug"],
            title=texts["title"],
            intro=texts["intro"],
            target_regions=texts["target_regions"],
            body=stream(texts["body"], images, code),
            start_date=today + datetime.timedelta(days=item["start_days"]),
            end_date=today + datetime.timedelta(days=item["end_days"]),
            countries=item["countries"],
            image=images[item["image"]],
            image_alt=content.IMAGES[item["image"]][2],
        )
        index.add_child(instance=page)
        publish(page)
        ctx.say(f"created campaign {index.url_path}{item['slug']}/")
    else:
        page = existing.specific
    for other_code, locale in others.items():
        if other_code in item:
            texts = item[other_code]
            ensure_translation(
                ctx,
                page,
                locale,
                title=texts["title"],
                intro=texts["intro"],
                target_regions=texts["target_regions"],
                body=stream(texts["body"], images, other_code),
                image_alt=CAMPAIGN_IMAGE_ALT.get(other_code, content.IMAGES[item["image"]][3]),
                **review_flag(other_code),
            )
    ctx.made["campaign"] = page


def _grant_editors():
    """Office editors publish the public site without a developer: pages in every
    language, images, documents, hotlines and translations."""
    group = Group.objects.filter(name=OFFICE_EDITORS).first()
    if group is None:
        return
    root = Page.get_first_root_node()
    for codename in ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"):
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=root,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    collection = Collection.get_first_root_node()
    for app_label, codenames in (
        ("wagtailimages", ("add_image", "change_image", "choose_image")),
        ("wagtaildocs", ("add_document", "change_document", "choose_document")),
    ):
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=collection,
                permission=Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                ),
            )
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="home",
            codename__in=("add_hotline", "change_hotline", "delete_hotline"),
        ),
        *Permission.objects.filter(
            content_type__app_label="simple_translation", codename="submit_translation"
        ),
        *Permission.objects.filter(content_type__app_label="taggit"),
    )
