"""Hotlines and navigation on every page, at a bounded cost."""

import re
from html import unescape
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.models import Site

from portal.home.chrome import get_chrome
from tests.factories import UserFactory, make_workspace
from tests.home.builders import add_hotline, locale

pytestmark = pytest.mark.django_db


@pytest.fixture
def hotlines(site):
    return [
        add_hotline("KG", "+996 3222 0 00 01", organisation="Ошский центр"),
        add_hotline("UZ", "+998 74 200 00 01", organisation="Андижанский центр"),
        add_hotline("TJ", "+992 3422 0 00 01", organisation="Худжандский центр"),
    ]


@pytest.mark.parametrize(
    "path", ["/ru/", "/ru/news/", "/accounts/login/", "/accounts/password/reset/"]
)
def test_hotlines_are_on_public_and_account_pages(client, hotlines, path):
    html = client.get(path).content.decode()
    for tel in ("tel:+996322200001", "tel:+998742000001", "tel:+992342200001"):
        assert f'href="{tel}"' in html


def test_hotlines_are_on_workspace_pages(client, hotlines):
    owner = UserFactory()
    workspace = make_workspace(owner=owner)
    client.force_login(owner)
    html = client.get(f"/workspaces/{workspace.slug}/").content.decode()
    assert 'href="tel:+996322200001"' in html


def test_hotline_bar_shows_one_number_per_country(client, hotlines):
    add_hotline("KG", "189", organisation="Вторая линия", sort_order=5)
    html = client.get("/ru/").content.decode()
    bar = html.split('class="hotline-bar"', 1)[1].split("</aside>", 1)[0]
    assert bar.count('href="tel:') == 3
    assert "tel:189" not in bar
    assert "tel:189" in html  # the full list on the home page has it


def test_untranslated_hotline_shows_in_russian_on_english_pages(client, hotlines):
    translated = hotlines[0].copy_for_translation(locale("en"))
    translated.organisation = "Osh centre"
    translated.save()

    html = client.get("/en/").content.decode()

    assert "Osh centre" in html
    assert "Ошский центр" not in html
    assert "Андижанский центр" in html  # no English version yet: shown in Russian
    assert '<li class="hotline" lang="ru">' in html


def test_navigation_lists_the_sections_shown_in_menus_in_the_page_language(client, site):
    html = client.get("/en/").content.decode()
    nav = html.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/en/news/"' in nav and ">News<" in nav
    assert "/ru/" not in nav


@pytest.mark.usefixtures("database_caches")  # the cache read is a query in production
def test_chrome_costs_one_cache_read_once_built(rf, hotlines, site):
    request = rf.get("/ru/")
    get_chrome(request)
    request = rf.get("/ru/")
    with CaptureQueriesContext(connection) as queries:
        chrome = get_chrome(request)
    assert len(chrome["hotlines"]) == 3
    # No query at all: the site is looked up only to build the chrome (the
    # Site lookup was one query on every page).
    assert [q["sql"] for q in queries.captured_queries] == []


def test_each_site_keeps_its_own_chrome(rf, site):
    """The chrome is kept under the address asked for: a second site on
    another host gets its own navigation, never the first one's, and the
    first keeps its own once both are cached."""
    Site.objects.create(hostname="127.0.0.1", port=80, root_page=site.about)

    def nav(host):
        with translation.override("ru"):
            return [item["title"] for item in get_chrome(rf.get("/ru/", HTTP_HOST=host))["nav"]]

    assert "Новости" in nav("localhost")
    assert nav("127.0.0.1") == []
    assert "Новости" in nav("localhost")


def test_chrome_build_cost_does_not_grow_with_hotlines(rf, site):
    def build_queries():
        from portal.home import cache

        cache.purge()
        with CaptureQueriesContext(connection) as queries:
            get_chrome(rf.get("/ru/"))
        return len(queries)

    add_hotline("KG", "189")
    build_queries()  # content types and site root paths are cached from here on
    few = build_queries()
    for n in range(10):
        add_hotline("UZ", f"+998 74 200 00 {n:02d}")
    assert build_queries() == few


def test_hotlines_are_grouped_by_country_name_in_the_page_language(client, hotlines):
    html = client.get("/ru/").content.decode()
    full_list = html.split('class="hotlines"', 1)[1]
    # Кыргызстан, Таджикистан, Узбекистан: not KG, UZ, TJ as the codes go.
    positions = [full_list.index(tel) for tel in ("tel:+996", "tel:+992", "tel:+998")]
    assert positions == sorted(positions)


def test_each_hotline_on_the_get_help_page_can_be_sent_on_its_own(client, hotlines, site):
    """A person passes one number to a friend in a messenger: the message
    itself carries who answers and the number, plus the get-help address."""
    from urllib.parse import parse_qs, urlsplit

    html = client.get(site.get_help.url).content.decode()
    telegram = re.findall(r'href="(https://t\.me/share/url\?[^"]+)"', html)
    texts = [parse_qs(urlsplit(unescape(link)).query)["text"][0] for link in telegram]
    for line in hotlines:
        assert f"{line.organisation}: {line.phone}" in texts
        assert (
            f"https://wa.me/?text={quote(f'{line.organisation}: {line.phone}', safe='')}"
            in unescape(html)
        )
    urls = {parse_qs(urlsplit(unescape(link)).query)["url"][0] for link in telegram}
    assert urls == {f"http://testserver{site.get_help.url}"}
    assert "Отправить номер:" in html


def test_hotlines_elsewhere_offer_no_share_link_that_could_carry_a_private_address(
    client, hotlines
):
    owner = UserFactory()
    workspace = make_workspace(owner=owner)
    client.force_login(owner)
    html = client.get(f"/workspaces/{workspace.slug}/").content.decode()
    assert 'href="tel:+996322200001"' in html
    assert "t.me/share" not in html and workspace.slug not in "".join(
        re.findall(r'href="https://wa\.me[^"]*"', html)
    )
