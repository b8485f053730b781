"""Every public listing pages the same way (portal.core.pagination): page 2
shows the next items, and a page number that is none never breaks the page.
(The news and the library have their own tests in test_news.py and
tests/resources/test_library.py.)"""

import pytest

from portal.home.models import campaigns, events
from tests.home.builders import add_campaign, add_event

pytestmark = pytest.mark.django_db

BAD_PAGES = ["abc", "0", "-1", "1e3", "99", "9" * 400]


def test_campaigns_page_two_shows_the_next_campaigns(client, site, monkeypatch):
    monkeypatch.setattr(campaigns, "CAMPAIGNS_PER_PAGE", 2)
    for n, name in enumerate(["Первая", "Вторая", "Третья"]):
        add_campaign(site.campaigns, f"Кампания {name}", start_days=-n - 1)

    first = client.get("/ru/campaigns/")
    second = client.get("/ru/campaigns/", {"page": 2})

    shown = [c.title for c in first.context["page_obj"].object_list]
    rest = [c.title for c in second.context["page_obj"].object_list]
    assert len(shown) == 2 and len(rest) == 1
    assert set(shown) | set(rest) == {"Кампания Первая", "Кампания Вторая", "Кампания Третья"}
    assert 'href="/ru/campaigns/?page=2" rel="next"' in first.content.decode()
    assert rest[0] in second.content.decode() and 'rel="prev"' in second.content.decode()
    for page in BAD_PAGES:
        assert client.get("/ru/campaigns/", {"page": page}).status_code == 200, page[:10]


def test_past_events_page_two_shows_older_events(client, site, monkeypatch):
    monkeypatch.setattr(events, "PAST_EVENTS_PER_PAGE", 2)
    add_event(site.events, "Скоро семинар", days=3)
    for days in (10, 20, 30):
        add_event(site.events, f"Тренинг {days} дней назад", days=-days)

    first = client.get("/ru/events/")
    second = client.get("/ru/events/", {"page": 2})

    assert [e.title for e in first.context["past_page"].object_list] == [
        "Тренинг 10 дней назад",
        "Тренинг 20 дней назад",
    ]
    assert [e.title for e in second.context["past_page"].object_list] == ["Тренинг 30 дней назад"]
    # The upcoming events stay on every page of the past ones.
    assert "Скоро семинар" in second.content.decode()
    assert 'href="/ru/events/?page=2" rel="next"' in first.content.decode()
    for page in BAD_PAGES:
        response = client.get("/ru/events/", {"page": page})
        assert response.status_code == 200, page[:10]
        assert "Тренинг" in response.content.decode()
