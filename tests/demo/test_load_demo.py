import io

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from portal.exchange.models import ImportedRelease
from portal.home.models import HomePage, Hotline
from portal.members.models import (
    Comment,
    Discussion,
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    Workspace,
    WorkspaceFile,
)
from portal.referrals.models import Referral, ServiceProvider
from portal.reports.models import CaseRecord, MonitoringReport
from portal.reports.release_models import StatisticsRelease
from portal.resources.models import ResourcePage
from portal.search import index
from portal.search.client import get_client
from portal.search.models import SearchRecord

DEMO_EMAILS = {"admin@example.org", "editor@example.org", "alia@example.org", "bakyt@example.org"}
pytestmark = pytest.mark.django_db


def load():
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def accounts():
    User = get_user_model()
    return {
        (u.email, u.is_staff, u.is_superuser, u.check_password("demo-pass-2024"))
        for u in User.objects.filter(email__in=DEMO_EMAILS)
    }


def content():
    """What a visitor or member of the demo can count: pages, documents, the
    network's workspaces and reports, and the entries search finds."""
    index.refresh()
    return {
        "pages": Page.objects.count(),
        "live pages": Page.objects.live().count(),
        "resources": ResourcePage.objects.count(),
        "documents": get_document_model().objects.count(),
        "images": get_image_model().objects.count(),
        "hotlines": Hotline.objects.count(),
        "organisations": Organisation.objects.count(),
        "workspaces": Workspace.objects.count(),
        "memberships": Membership.objects.count(),
        "discussions": Discussion.objects.count(),
        "comments": Comment.objects.count(),
        "files": WorkspaceFile.objects.count(),
        "invitations": Invitation.objects.count(),
        "join requests": JoinRequest.objects.count(),
        "reports": MonitoringReport.objects.count(),
        "case records": CaseRecord.objects.count(),
        "statistics releases": StatisticsRelease.objects.count(),
        "partner releases": ImportedRelease.objects.current().count(),
        "service providers": ServiceProvider.objects.count(),
        "public providers": ServiceProvider.objects.public().count(),
        "providers taking referrals": ServiceProvider.objects.filter(
            accepts_referrals=True
        ).count(),
        "unlisted providers": ServiceProvider.objects.filter(public=False).count(),
        "referrals": Referral.objects.count(),
        "search records": SearchRecord.objects.live().count(),
        "index documents": get_client().count(index=index.alias_name())["count"],
    }


def test_load_demo_twice_gives_the_same_accounts_and_site():
    load()
    first_accounts = accounts()
    first_pages = list(HomePage.objects.values_list("pk", "locale__language_code"))
    first_content = content()
    load()
    assert content() == first_content
    # Not an empty demo twice: every step made something.
    assert all(first_content.values()), first_content
    assert accounts() == first_accounts
    assert {email for email, *_ in first_accounts} == DEMO_EMAILS
    assert ("admin@example.org", True, True, True) in first_accounts
    assert ("editor@example.org", True, False, True) in first_accounts
    assert list(HomePage.objects.values_list("pk", "locale__language_code")) == first_pages
    # A home page for every language the site offers (the valley's three included).
    assert {code for _, code in first_pages} == {code for code, _ in settings.LANGUAGES}
    assert {"ru", "en", "ky", "uz", "tg"} <= {code for _, code in first_pages}
    assert EmailAddress.objects.filter(email__in=DEMO_EMAILS, verified=True).count() == 4
    assert Site.objects.get(is_default_site=True).root_page.specific_class is HomePage


def test_demo_user_can_sign_in(client, demo):
    response = client.post(
        "/accounts/login/", {"login": "alia@example.org", "password": "demo-pass-2024"}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_load_demo_refuses_with_debug_off():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="--force"):
        call_command("load_demo")


def test_load_demo_runs_with_debug_off_when_forced(demo):
    out = io.StringIO()
    with override_settings(DEBUG=False):
        call_command("load_demo", "--force", stdout=out)
    assert "Demo content is ready." in out.getvalue()
    assert get_user_model().objects.filter(email="admin@example.org").exists()
