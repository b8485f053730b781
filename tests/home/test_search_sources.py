"""What the public site tells search about its pages (portal/search/registry.py)."""

import pytest
from wagtail.models import Page, PageViewRestriction

from portal.home.models import CampaignPage, EventPage, GetHelpPage, HomePage, NewsPage
from portal.resources.models import ResourcePage
from portal.search.registry import registry
from tests.home.builders import add_campaign, add_event, add_news, add_resource, paragraph

pytestmark = pytest.mark.django_db


def source_for(page):
    return registry.source_for_model(type(page.specific))


def test_registry_picks_the_most_specific_source_per_page_type():
    assert registry.source_for_model(NewsPage).kind == "news"
    assert registry.source_for_model(CampaignPage).kind == "campaign"
    assert registry.source_for_model(EventPage).kind == "event"
    assert registry.source_for_model(ResourcePage).kind == "resource"
    assert registry.source_for_model(HomePage).kind == "page"
    assert registry.source_for_model(GetHelpPage).kind == "page"


def test_live_news_becomes_a_public_entry_with_plain_text_countries_and_date(site):
    news = add_news(
        site.news,
        "Горячая линия в Оше",
        intro="Круглосуточно.",
        countries="KG,UZ",
        tags=["Ош"],
        days_ago=3,
        body=[
            {"type": "heading", "value": {"text": "Как позвонить", "level": "h2"}},
            *paragraph("Звонок <b>бесплатный</b>."),
        ],
    )

    entry = source_for(news).entry_for(news)

    assert entry.kind == "news"
    assert entry.audiences == ("public",)
    assert entry.title == "Горячая линия в Оше"
    assert entry.url == news.url
    assert entry.language == "ru"
    assert entry.countries == ("KG", "UZ")
    assert entry.date == news.date
    assert "Как позвонить" in entry.body and "Звонок бесплатный." in entry.body
    assert "<" not in entry.body
    # The heading's level is layout: its label ("Section heading") is not page text.
    assert "Section heading" not in entry.body and "Заголовок раздела" not in entry.body
    assert entry.extra["tags"] == ["Ош"]


def test_event_campaign_and_resource_entries_carry_their_dates_and_countries(site):
    event = add_event(site.events, "Семинар", country="UZ", zone="Asia/Tashkent")
    campaign = add_campaign(site.campaigns, "Кампания", countries="KG,TJ")
    resource = add_resource(site.resources, "Памятка", countries="TJ")

    event_entry = source_for(event).entry_for(event)
    campaign_entry = source_for(campaign).entry_for(campaign)
    resource_entry = source_for(resource).entry_for(resource)

    assert (event_entry.kind, event_entry.countries, event_entry.date) == (
        "event",
        ("UZ",),
        event.start,
    )
    assert (campaign_entry.kind, campaign_entry.countries) == ("campaign", ("KG", "TJ"))
    assert campaign_entry.date == campaign.start_date
    assert (resource_entry.kind, resource_entry.countries) == ("resource", ("TJ",))
    assert resource.document.title in resource_entry.body
    assert resource_entry.extra["document_url"] == resource.document.url


def test_other_public_pages_are_pages_with_their_text(site):
    site.get_help.intro = "Позвоните на горячую линию."
    site.get_help.save_revision().publish()

    entry = source_for(site.get_help).entry_for(Page.objects.get(pk=site.get_help.pk))

    assert entry.kind == "page"
    assert entry.audiences == ("public",)
    assert "Позвоните на горячую линию." in entry.body


def test_draft_news_has_no_entry(site):
    news = add_news(site.news, "Черновик")
    news.unpublish()
    news.refresh_from_db()
    assert source_for(news).entry_for(news) is None


def test_unpublished_page_with_a_newer_draft_has_no_entry(site):
    news = add_news(site.news, "Была опубликована")
    news.title = "Новый черновик"
    news.save_revision()
    news.unpublish()
    assert source_for(news).entry_for(NewsPage.objects.get(pk=news.pk)) is None


@pytest.mark.parametrize("on_ancestor", [False, True])
def test_pages_under_a_view_restriction_have_no_entry(site, on_ancestor):
    news = add_news(site.news, "Закрытая")
    PageViewRestriction.objects.create(
        page=site.news if on_ancestor else news, restriction_type=PageViewRestriction.LOGIN
    )
    assert source_for(news).entry_for(news) is None
    index_entry = source_for(site.news).entry_for(site.news)
    assert (index_entry is None) is on_ancestor


def test_generic_page_source_leaves_page_types_with_their_own_source_to_them(site):
    news = add_news(site.news, "Новость")
    page_source = registry.get("page")
    indexed = set(page_source.get_queryset().values_list("pk", flat=True))
    assert site.get_help.pk in indexed and site.home.pk in indexed
    assert news.pk not in indexed
    assert news.pk in set(registry.get("news").get_queryset().values_list("pk", flat=True))


def test_event_source_dates_are_aware(site):
    event = add_event(site.events, "Тренинг")
    entry = source_for(event).entry_for(event)
    assert entry.date == event.start
    assert entry.date.tzinfo is not None


def test_renaming_or_deleting_a_document_updates_the_resources_offering_it(site):
    from portal.search import queue
    from portal.search.models import SearchRecord

    resource = add_resource(site.resources, "Памятка мигранту")
    queue.drain()  # what happens right after the commit (or in the worker)
    record = SearchRecord.objects.live().get(doc_id=f"resource-{resource.pk}")
    document = resource.document
    assert document.title in record.body

    document.title = "Новое название файла"
    document.save()
    queue.drain()
    record.refresh_from_db()
    assert "Новое название файла" in record.body

    document.delete()
    queue.drain()
    record.refresh_from_db()
    assert "Новое название файла" not in record.body
    assert record.extra["document_url"] == ""
