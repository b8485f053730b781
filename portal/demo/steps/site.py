"""Demo public site: the home page and its sections in every language the
texts exist in, member organisations, hotlines, news, events, a campaign and
illustrations. Texts: data/site/*.json. Idempotent as portal.demo.pages says.
"""

import datetime
import functools
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
)

from portal.core.roles import EDITORS
from portal.home import models

from .. import data
from ..media import landscape_jpeg
from ..pages import (
    ensure_child,
    ensure_image,
    ensure_locales,
    ensure_translation,
    image_alt,
    publish,
    stream,
)
from .organisations import ensure_organisations


def load_site(ctx):
    content = data.site()
    locales = ensure_locales()
    default_locale = Locale.get_default()
    others = {code: locale for code, locale in locales.items() if locale.pk != default_locale.pk}

    home = _ensure_home(ctx, content, default_locale, others)
    organisations = ensure_organisations(ctx)
    images = {
        key: ensure_image(
            f"Demo: {spec['title']}",
            functools.partial(landscape_jpeg, key, spec["palette"]),
            spec["alt"]["en"],
        )
        for key, spec in content["images"].items()
    }
    sections = _ensure_sections(ctx, content, home, others)
    _ensure_hotlines(ctx, content, default_locale, others)
    _ensure_news(ctx, content, sections["news"], others, organisations, images)
    _ensure_events(ctx, content, sections["events"], others, organisations)
    _ensure_campaign(ctx, content, sections["campaigns"], others, images)
    _grant_editors()

    ctx.made.update(home=home, sections=sections, images=images, organisations=organisations)


def _review_flag(content, code):
    """Texts nobody fluent has checked yet carry the admin's review flag."""
    return {"needs_native_review": code in content["needs_review"]}


def _ensure_home(ctx, content, default_locale, others):
    root = Page.get_first_root_node()
    # Wagtail's initial "Welcome" page (slug "home") makes way for ours.
    for page in root.get_children().not_type(models.HomePage):
        page.delete()

    texts, bodies = content["home"]["texts"], content["home"]["bodies"]
    home = models.HomePage.objects.filter(locale=default_locale).first()
    code = default_locale.language_code
    if home is None:
        home = models.HomePage(
            slug="home",
            locale=default_locale,
            body=stream(bodies.get(code, [])),
            **texts[code],
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
        if code in texts:
            ensure_translation(
                ctx,
                home,
                locale,
                body=stream(bodies.get(code, [])),
                **texts[code],
                **_review_flag(content, code),
            )
    return home


def _ensure_sections(ctx, content, home, others):
    sections = {}
    for section in content["sections"]:
        slug, languages = section["slug"], section["texts"]
        bodies = section.get("bodies", {})
        model = getattr(models, section["model"])
        code = home.locale.language_code
        fields = dict(languages[code])
        if code in bodies:
            fields["body"] = stream(bodies[code])
        page = ensure_child(ctx, home, model, slug, show_in_menus=section["in_menus"], **fields)
        for other_code, locale in others.items():
            if other_code not in languages:
                continue
            translated = dict(languages[other_code], **_review_flag(content, other_code))
            if other_code in bodies:
                translated["body"] = stream(bodies[other_code])
            ensure_translation(ctx, page, locale, **translated)
        sections[slug] = page
    return sections


def _ensure_hotlines(ctx, content, default_locale, others):
    code = default_locale.language_code
    for spec in content["hotlines"]:
        country, phone, texts = spec["country"], spec["phone"], spec["texts"]
        hotline = models.Hotline.objects.filter(
            locale=default_locale, country=country, phone=phone
        ).first()
        if hotline is None:
            hotline = models.Hotline.objects.create(
                locale=default_locale,
                country=country,
                phone=phone,
                sort_order=spec["sort_order"],
                **texts[code],
            )
            ctx.say(f"created hotline {country} {phone}")
        for other_code, locale in others.items():
            if other_code not in texts or hotline.has_translation(locale):
                continue
            translated = hotline.copy_for_translation(locale)
            for name, value in texts[other_code].items():
                setattr(translated, name, value)
            translated.needs_native_review = other_code in content["needs_review"]
            translated.save()
            ctx.say(f"translated hotline {country} {phone} ({other_code})")


def _news_fields(content, item, language, images):
    texts = item[language]
    fields = {
        "title": texts["title"],
        "intro": texts["intro"],
        "body": stream(texts["body"], images, language, content["images"]),
    }
    image_key = item.get("image")
    if image_key:
        fields["image_alt"] = image_alt(content["images"], image_key, language)
    return fields


def _ensure_news(ctx, content, index, others, organisations, images):
    today = timezone.localdate()
    code = index.locale.language_code
    for item in content["news"]:
        existing = index.get_children().filter(slug=item["slug"]).first()
        if existing is None:
            page = models.NewsPage(
                slug=item["slug"],
                date=today - datetime.timedelta(days=item["days_ago"]),
                author_organisation=organisations.get(item["organisation"]),
                image=images.get(item.get("image")),
                countries=item.get("countries", ""),
                **_news_fields(content, item, code, images),
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
                    **_news_fields(content, item, other_code, images),
                )


def _ensure_events(ctx, content, index, others, organisations):
    today = timezone.localdate()
    code = index.locale.language_code
    for item in content["events"]:
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


def _ensure_campaign(ctx, content, index, others, images):
    item = content["campaign"]
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
            body=stream(texts["body"], images, code, content["images"]),
            start_date=today + datetime.timedelta(days=item["start_days"]),
            end_date=today + datetime.timedelta(days=item["end_days"]),
            countries=item["countries"],
            image=images[item["image"]],
            image_alt=content["images"][item["image"]]["alt"]["ru"],
        )
        index.add_child(instance=page)
        publish(page)
        ctx.say(f"created campaign {index.url_path}{item['slug']}/")
    else:
        page = existing.specific
    english_alt = content["images"][item["image"]]["alt"]["en"]
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
                body=stream(texts["body"], images, other_code, content["images"]),
                image_alt=content["campaign_image_alt"].get(other_code, english_alt),
                **_review_flag(content, other_code),
            )
    ctx.made["campaign"] = page


def _grant_editors():
    """Office editors publish the public site without a developer: pages in every
    language, images, documents, hotlines and translations."""
    group = Group.objects.filter(name=EDITORS).first()
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
