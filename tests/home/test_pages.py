"""Each page type renders for a visitor with what a reader expects on it."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.home import models
from portal.resources.models import ResourceIndexPage, ResourcePage
from tests.factories import OrganisationFactory
from tests.home.builders import (
    add_campaign,
    add_event,
    add_hotline,
    add_news,
    add_resource,
    make_image,
    translate,
)

pytestmark = pytest.mark.django_db


def test_home_page_shows_lead_news_events_campaign_resources_and_hotlines(client, site):
    add_news(site.news, "Горячая линия в Оше", tags=["Ош"])
    add_event(site.events, "Семинар в Андижане", days=10)
    add_campaign(site.campaigns, "Узнай до отъезда")
    add_resource(site.resources, "Памятка мигранту", featured=True)
    add_hotline("KG", "+996 3222 0 00 01", organisation="Ошский центр")

    html = client.get("/ru/").content.decode()

    assert "Сеть против торговли людьми" in html
    assert "Горячая линия в Оше" in html
    assert "Семинар в Андижане" in html
    assert "Узнай до отъезда" in html
    assert "Памятка мигранту" in html
    assert 'href="tel:+996322200001"' in html
    assert "Ошский центр" in html


def test_home_page_shows_four_resources_featured_ones_first_newest_next(client, site):
    today = datetime.date.today()
    for n in range(5):
        add_resource(site.resources, f"Обычный {n}", date=today - datetime.timedelta(days=n))
    add_resource(site.resources, "Избранный старый", featured=True, date=today.replace(year=2020))

    html = client.get("/ru/").content.decode()
    section = html[html.index('id="home-resources"') :]
    shown = re.findall(r'class="card__title"><a href="[^"]*">([^<]+)</a>', section)

    assert shown == ["Избранный старый", "Обычный 0", "Обычный 1", "Обычный 2"]


def test_news_page_shows_date_organisation_body_image_with_alt_and_tags(client, site):
    organisation = OrganisationFactory(name="Андижанский центр")
    image = make_image("Долина")
    news = add_news(
        site.news,
        "Семинар для махаллей",
        tags=["Андижан", "профилактика"],
        author_organisation=organisation,
        image=image,
        image_alt="Рисунок долины",
        days_ago=2,
    )

    html = client.get(news.url).content.decode()

    assert "<h1>Семинар для махаллей</h1>" in html
    assert "Андижанский центр" in html
    assert 'alt="Рисунок долины"' in html
    assert f'datetime="{news.date:%Y-%m-%d}"' in html
    assert "/ru/news/?tag=" in html
    assert "Текст: Семинар для махаллей" in html


def test_news_page_needs_alt_text_for_its_image(site):
    news = add_news(site.news, "С картинкой")
    news.image = make_image()
    news.image_alt = "  "
    with pytest.raises(ValidationError) as error:
        news.full_clean()
    assert "image_alt" in error.value.message_dict


def test_image_block_requires_alt_text(site):
    block = models.NewsPage.body.field.stream_block.child_blocks["image"]
    with pytest.raises(ValidationError):
        block.clean({"image": make_image(), "alt_text": "", "caption": ""})


def test_news_page_related_items_prefer_chosen_pages_in_the_same_language(client, site):
    first = add_news(site.news, "Первая", tags=["Ош"])
    chosen = add_news(site.news, "Выбранная")
    same_tag = add_news(site.news, "С тем же тегом", tags=["Ош"])
    first.related_pages.create(target=chosen)
    first.save_revision().publish()

    related = first.specific.related_items()

    assert [page.title for page in related] == ["Выбранная", "С тем же тегом"]
    assert same_tag.pk in {page.pk for page in related}


def test_event_page_shows_local_time_of_its_time_zone(client, site):
    event = add_event(site.events, "Семинар в Андижане", zone="Asia/Tashkent", days=5)

    html = client.get(event.url).content.decode()

    # 10:00 in Tashkent is 11:00 in Bishkek, the site's default time zone.
    assert "10:00" in html
    assert "11:00" not in html
    assert "Tashkent" in html or "Ташкент" in html


def test_event_must_end_after_it_starts_and_say_where(site):
    event = add_event(site.events, "Встреча")
    event.end = event.start - datetime.timedelta(hours=1)
    event.city = event.venue = ""
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert {"end", "city"} <= set(error.value.message_dict)


def test_online_event_needs_a_meeting_or_registration_link(site):
    event = add_event(
        site.events,
        "Вебинар",
        attendance=models.Attendance.ONLINE,
        city="",
        registration_url="https://forms.example.org/x",
    )
    event.online_url = event.registration_url = ""
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "online_url" in error.value.message_dict


def test_cancelled_event_says_so(client, site):
    event = add_event(site.events, "Отменённый тренинг", cancelled=True)
    html = client.get(event.url).content.decode()
    assert 'class="message message--error"' in html


def test_campaign_page_shows_dates_regions_and_materials(client, site):
    from tests.home.builders import make_document

    document = make_document("Листовка кампании", name="leaflet.txt")
    campaign = add_campaign(
        site.campaigns,
        "Узнай до отъезда",
        target_regions="Ошская область",
        materials=[{"type": "document", "value": {"document": document.pk, "label": ""}}],
    )
    html = client.get(campaign.url).content.decode()
    assert "Ошская область" in html
    assert "Листовка кампании" in html
    assert document.url in html
    assert campaign.status() == models.CampaignStatus.CURRENT


def test_campaign_status_follows_its_dates(site):
    today = timezone.localdate()
    upcoming = add_campaign(site.campaigns, "Будущая", start_days=3, end_days=10)
    finished = add_campaign(site.campaigns, "Прошедшая", start_days=-30, end_days=-1)
    assert upcoming.status(today) == models.CampaignStatus.UPCOMING
    assert finished.status(today) == models.CampaignStatus.FINISHED


def test_get_help_page_lists_every_countrys_hotlines_with_tel_links(client, site):
    add_hotline("KG", "189", organisation="Линия КР", hours="Круглосуточно")
    add_hotline("UZ", "+998 74 200 00 01", organisation="Линия УЗ")
    add_hotline("TJ", "+992 3422 0 00 01", organisation="Линия ТЖ")

    html = client.get(site.get_help.url).content.decode()

    for tel in ("tel:189", "tel:+998742000001", "tel:+992342200001"):
        assert f'href="{tel}"' in html
    assert "Круглосуточно" in html


def test_about_page_lists_verified_member_organisations_only(client, site):
    OrganisationFactory(name="Проверенная организация", verified=True, city="Ош")
    OrganisationFactory(name="Непроверенная организация", verified=False)

    html = client.get(site.about.url).content.decode()

    assert "Проверенная организация" in html
    assert "Непроверенная организация" not in html


def test_resource_page_offers_the_document_with_format_size_and_language(client, site):
    resource = add_resource(site.resources, "Руководство", document_language="en")
    html = client.get(resource.url).content.decode()
    assert resource.document.url in html
    assert "TXT" in html
    assert 'hreflang="en"' in html


def test_page_types_only_go_where_they_belong():
    assert models.NewsPage.allowed_parent_page_models() == [models.NewsIndexPage]
    assert models.EventPage.allowed_parent_page_models() == [models.EventIndexPage]
    assert ResourcePage.allowed_parent_page_models() == [ResourceIndexPage]
    assert models.NewsIndexPage.allowed_subpage_models() == [models.NewsPage]
    assert models.NewsPage.allowed_subpage_models() == []
    assert ResourceIndexPage in models.HomePage.allowed_subpage_models()
    assert models.HomePage.max_count_per_parent == 1


@pytest.mark.parametrize(
    ("phone", "tel"),
    [
        ("189", "tel:189"),
        ("+996 (312) 98-76-54", "tel:+996312987654"),
        ("8 800 100 00 00", "tel:88001000000"),
    ],
)
def test_hotline_number_becomes_a_dialable_tel_link(phone, tel):
    assert models.Hotline(phone=phone).tel_href == tel


@pytest.mark.parametrize("phone", ["call us", "12", "+996+312"])
def test_hotline_refuses_a_number_nobody_can_dial(site, phone):
    hotline = models.Hotline(country="KG", organisation="X", phone=phone, hours="h", languages="l")
    with pytest.raises(ValidationError):
        hotline.clean()


def test_news_and_events_cannot_take_the_addresses_of_the_feeds(site):
    news = add_news(site.news, "Новость")
    news.slug = "feed"
    event = add_event(site.events, "Встреча")
    event.slug = "calendar"
    for page in (news, event):
        with pytest.raises(ValidationError) as error:
            page.full_clean()
        assert "slug" in error.value.message_dict


def _home_news_titles(client, path):
    html = client.get(path).content.decode()
    section = html.split("home-section--news", 1)[1].split("</section>", 1)[0]
    return re.findall(r'class="card__title"><a [^>]*>([^<]*)</a>', section)


def test_home_page_lists_the_news_published_today_first(client, site):
    for days in range(10, 15):
        add_news(site.news, f"Старая новость {days}", days_ago=days)
    add_news(site.news, "Новость сегодняшнего дня")

    titles = _home_news_titles(client, "/ru/")

    assert titles[0] == "Новость сегодняшнего дня"
    assert titles == ["Новость сегодняшнего дня"] + [f"Старая новость {d}" for d in (10, 11, 12)]


def test_english_home_shows_its_newest_english_news_before_russian_only_ones(client, site):
    for days in range(1, 5):
        add_news(site.news, f"Только по-русски {days}", days_ago=days)
    older = add_news(site.news, "Давняя", days_ago=30)
    newer = add_news(site.news, "Недавняя", days_ago=20)
    translate(older, "en", title="Older English news")
    translate(newer, "en", title="Newer English news")

    titles = _home_news_titles(client, "/en/")

    assert titles == [
        "Newer English news",
        "Older English news",
        "Только по-русски 1",
        "Только по-русски 2",
    ]
