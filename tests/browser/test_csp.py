"""In a real Chromium: the pages work under their Content-Security-Policy (no
violation, no console error) and the browser asks no host but the portal for
anything, on the public site, the members' area, the login page, the API's
documentation and the Wagtail admin, at desktop and phone widths.

The admin's weaker policy is needed: under the site's policy Chromium blocks
the page editor's inline scripts and styles (checked when it was written)."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from tests.factories import UserFactory, make_workspace
from tests.home.builders import add_news, make_image, make_site

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

# Collects the browser's own report of each blocked load or inline script.
# An init script is injected by the browser driver, outside the page's policy.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def site(transactional_db):
    # One transaction, one write of the search index for all of it.
    with transaction.atomic():
        site = make_site()
        site.story = add_news(site.news, "Горячая линия в Оше теперь отвечает и ночью")
        site.story.image = make_image()
        site.story.image_alt = "Консультант у телефона"
        site.story.save_revision().publish()
    return site


class Watch:
    """What a page did that it should not: requests to other hosts, policy
    violations, console errors."""

    def __init__(self, page, origin):
        self.page = page
        self.origin = origin
        self.foreign = []
        self.console = []
        page.add_init_script(LISTEN)
        page.on("request", self._request)
        page.on("console", self._console)

    def _request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob"):
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign.append(request.url)

    def _console(self, message):
        if message.type == "error" or "Content Security Policy" in message.text:
            self.console.append(message.text)

    def visit(self, url):
        response = self.page.goto(url)
        assert response.status == 200, url
        self.page.wait_for_load_state("networkidle")
        violations = self.page.evaluate("window.__violations")
        assert (self.foreign, violations, self.console) == ([], [], []), url


def sign_in(page, live_server, user):
    """The session of a person signed in on the server, handed to the browser."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_pages_load_nothing_from_other_hosts_and_break_no_policy(
    live_server, site, request, width, screenshot
):
    page = request.getfixturevalue(width)
    watch = Watch(page, live_server.url)

    watch.visit(f"{live_server.url}/")
    watch.visit(f"{live_server.url}{site.news.url}")
    watch.visit(f"{live_server.url}{site.story.url}")
    screenshot(page, "news-item")
    watch.visit(f"{live_server.url}/accounts/login/")
    assert page.locator("input[type=password]").is_visible()
    screenshot(page, "login")

    # The API's interactive documentation: Swagger UI from our static files.
    watch.visit(f"{live_server.url}/api/v1/docs")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 7

    member = UserFactory()
    workspace = make_workspace(owner=member, name="Osh monitoring")
    sign_in(page, live_server, member)
    watch.visit(f"{live_server.url}{workspace.get_absolute_url()}")
    assert "Osh monitoring" in page.locator("h1").inner_text()
    screenshot(page, "workspace")

    staff = UserFactory(is_staff=True, is_superuser=True)
    sign_in(page, live_server, staff)
    watch.visit(f"{live_server.url}/admin/")
    screenshot(page, "admin-dashboard")
    # The page editor runs the most admin JavaScript (inline panels, choosers,
    # date pickers) under the admin's weaker policy.
    watch.visit(f"{live_server.url}/admin/pages/{site.story.pk}/edit/")
    assert page.locator("form#page-edit-form").count() == 1
    screenshot(page, "admin-page-editor")
