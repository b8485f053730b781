"""No third-party requests and a strict Content-Security-Policy.

A visitor's browser must not tell another host that it reads the portal (or
which staff member is signed in, as gravatar.com would learn), and an injected
script must not run. The header is checked on each kind of page; the HTML of
the pages is parsed for anything the browser would load from elsewhere."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.conftest import per_module
from tests.factories import UserFactory, add_member, make_workspace
from tests.home.builders import add_news, make_image, make_site
from tests.reports.factories import publish

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "frame-ancestors": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "object-src": {"'none'"},
}


def directives(header):
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = set(sources)
    return parsed


def _site_with_a_story():
    site = make_site()
    site.story = add_news(site.news, "Горячая линия в Оше теперь отвечает и ночью")
    return site


_module_site, site = per_module(
    "site",
    _site_with_a_story,
    """The site and a news story, built once for the module (the tests only read it).""",
)


@pytest.fixture
def member():
    person = UserFactory()
    workspace = make_workspace(owner=person, name="Osh monitoring")
    return person, workspace


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_public_members_and_account_pages_send_the_strict_policy(client, site, member):
    person, workspace = member
    anonymous = ["/ru/", "/ru/news/", "/accounts/login/", "/search/?q=Ош", "/statistics/"]
    signed_in = [workspace.get_absolute_url(), "/workspaces/", "/accounts/email/"]
    pages = [(path, False) for path in anonymous] + [(path, True) for path in signed_in]
    for path, login in pages:
        if login:
            client.force_login(person)
        response = client.get(path)
        assert response.status_code == 200, path
        policy = directives(response["Content-Security-Policy"])
        for name, sources in STRICT.items():
            assert policy[name] == sources, (path, name)
        assert not any("unsafe" in source for sources in policy.values() for source in sources)


def test_api_responses_and_error_pages_carry_the_policy_too(client, site):
    publish()  # /api/v1/statistics answers from a release
    for path, status in [("/api/v1/statistics", 200), ("/workspaces/no-such-thing/", 404)]:
        response = client.get(path)
        assert response.status_code in (status, 302), path
        assert "object-src 'none'" in response["Content-Security-Policy"]


def test_the_admin_policy_is_weaker_only_where_wagtail_needs_it(admin_client, site):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    # Wagtail's admin writes inline <script> (inline panels, date pickers) and
    # style attributes; everything else stays as strict as the site.
    assert policy["script-src"] == {"'self'", "'unsafe-inline'"}
    assert policy["style-src"] == {"'self'", "'unsafe-inline'"}
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == {"'none'"} and policy["base-uri"] == {"'self'"}
    assert policy["frame-ancestors"] == {"'self'"}  # its own previews
    assert policy["form-action"] == {"'self'"}
    assert all(
        source.startswith("'") or source in ("data:", "blob:")
        for sources in policy.values()
        for source in sources
    )


def test_report_only_sends_the_same_policy_without_enforcing_it(client, site, settings):
    settings.PORTAL_CSP_REPORT_ONLY = True
    settings.PORTAL_CSP_REPORT_URI = "/csp-report/"
    response = client.get("/ru/")
    assert "Content-Security-Policy" not in response
    policy = directives(response["Content-Security-Policy-Report-Only"])
    assert policy["script-src"] == {"'self'"} and policy["report-uri"] == {"/csp-report/"}


# --- No inline script or style in our templates ------------------------------------

TEMPLATE_DIRS = [
    Path(settings.BASE_DIR) / "templates",
    *Path(settings.BASE_DIR).glob("portal/*/templates"),
]
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style>"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]  # fmt: skip


def test_no_template_has_inline_script_style_or_event_handlers():
    found = []
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            found += [f"{path.name}: {what}" for pattern, what in INLINE if pattern.search(text)]
    assert found == []


# --- Nothing loaded from another host ----------------------------------------------


class References(HTMLParser):
    """Every address the browser would fetch on its own: src, srcset, href of
    <link>, poster, data, form action, url(...) in style. An <a href> is a
    link the reader may follow, not a request, so it is left out."""

    URL_IN_CSS = re.compile(r"url\(\s*['\"]?([^'\")]+)")

    def __init__(self):
        super().__init__()
        self.urls = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "poster", "data", "action", "formaction"):
            if attrs.get(name):
                self.urls.append(attrs[name])
        if tag in ("link", "base", "use", "image") and attrs.get("href"):
            self.urls.append(attrs["href"])
        for name in ("srcset", "imagesrcset"):
            for candidate in (attrs.get(name) or "").split(","):
                if candidate.strip():
                    self.urls.append(candidate.split()[0])
        self.urls += self.URL_IN_CSS.findall(attrs.get("style") or "")
        self._in_style = tag == "style"

    def handle_data(self, data):
        if self._in_style:
            self.urls += self.URL_IN_CSS.findall(data)


def foreign(html, origin="http://testserver"):
    parser = References()
    parser.feed(html)
    outside = []
    for url in parser.urls:
        parts = urlsplit(url.strip())
        if parts.scheme in ("data", "blob") or (not parts.scheme and not parts.netloc):
            continue
        if f"{parts.scheme}://{parts.netloc}" != origin:
            outside.append(url)
    return outside


def test_admin_account_public_and_member_pages_reference_no_other_host(
    admin_client, client, site, member
):
    site.story.image = make_image()
    site.story.image_alt = "Консультант у телефона"
    site.story.save_revision().publish()
    person, workspace = member
    add_member(workspace, UserFactory.create(email="admin-peer@example.org"))
    admin_pages = [
        "/admin/",
        f"/admin/pages/{site.story.pk}/edit/",
        f"/admin/pages/{site.news.pk}/",
        "/admin/account/",
        "/admin/users/",
        "/admin/api-tokens/",
    ]
    for path in admin_pages:
        response = admin_client.get(path, follow=True)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert "gravatar" not in html, path
        assert foreign(html) == [], path

    client.logout()
    public_pages = ["/ru/", site.story.url, "/accounts/login/", "/accounts/password/reset/",
                    "/statistics/", "/search/?q=Ош", "/api/v1/docs"]  # fmt: skip
    for path in public_pages:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert foreign(response.content.decode()) == [], path

    client.force_login(person)
    for path in [workspace.get_absolute_url(), "/accounts/email/", "/accounts/2fa/"]:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert foreign(response.content.decode()) == [], path


def test_the_reference_check_would_catch_a_third_party_avatar():
    html = (
        '<img src="https://www.gravatar.com/avatar/abc?s=50">'
        '<img srcset="/a.png 1x, https://cdn.example.net/b.png 2x">'
        '<div style="background: url(//fonts.example.com/x.woff)"></div>'
        '<link rel="stylesheet" href="https://cdn.example.net/s.css">'
        '<a href="https://www.iom.int/">IOM</a><img src="data:image/png;base64,AAAA">'
    )
    assert foreign(html) == [
        "https://www.gravatar.com/avatar/abc?s=50",
        "https://cdn.example.net/b.png",
        "//fonts.example.com/x.woff",
        "https://cdn.example.net/s.css",
    ]
