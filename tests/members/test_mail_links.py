"""Links in mail work on whatever address the portal runs on, and the
invitation says who invites: a person and an NGO the reader can recognise."""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from portal.core import request_context
from portal.demo.context import DemoContext
from portal.demo.steps.workspaces import load_workspaces
from portal.members import mail as portal_mail
from portal.members.models import Invitation
from tests.factories import UserFactory, add_member

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PORT_8001 = "127.0.0.1:8001"


def links_in(body):
    return re.findall(r"https?://\S+", body)


def settings_under_make_run(**env):
    """PORTAL_BASE_URL as `make run` (dev settings) computes it from its environment."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PORTAL_BASE_URL", "WAGTAILADMIN_BASE_URL", "PORT"}
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="portal.settings.dev")
    code = "from django.conf import settings; print(settings.PORTAL_BASE_URL)"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_mail_sent_outside_a_request_links_to_the_port_make_run_serves_on():
    assert settings_under_make_run(PORT="8001") == "http://127.0.0.1:8001"
    assert settings_under_make_run() == "http://127.0.0.1:8000"
    # An operator's explicit address wins.
    assert (
        settings_under_make_run(PORT="8001", PORTAL_BASE_URL="https://portal.example.org")
        == "https://portal.example.org"
    )


def test_run_script_gives_the_commands_it_starts_the_port_it_serves_on():
    script = (ROOT / "scripts" / "run.sh").read_text()
    assert 'export PORTAL_BASE_URL="${PORTAL_BASE_URL:-http://127.0.0.1:$PORT}"' in script


def test_a_discussion_notification_links_to_the_host_the_author_used(
    workspace, roles, as_user, django_capture_on_commit_callbacks
):
    client = as_user(roles["member"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("members:discussion_create", kwargs={"slug": workspace.slug}),
            {"title": "Winter places", "body": "Where can people stay?"},
            HTTP_HOST=PORT_8001,
        )
    assert response.status_code == 302
    (message,) = [m for m in mail.outbox if m.to == [roles["owner"].email]]
    links = links_in(message.body)
    assert links and all(link.startswith(f"http://{PORT_8001}/") for link in links), links


def test_the_invitation_link_uses_the_host_the_sender_used(workspace, roles, as_user):
    response = as_user(roles["manager"]).post(
        reverse("members:invitation_create", kwargs={"slug": workspace.slug}),
        {"email": "new.person@example.org", "role": "member"},
        HTTP_HOST=PORT_8001,
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert any(
        link.startswith(f"http://{PORT_8001}/workspaces/invitations/")
        for link in links_in(message.body)
    )


def test_load_demo_prints_invitation_links_on_the_configured_address(settings):
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8001"
    out = io.StringIO()
    # The members' step of load_demo alone: it is the one that prints links.
    load_workspaces(DemoContext(password="demo-pass-2024", stdout=out, style=None))
    printed = [line for line in out.getvalue().splitlines() if "/workspaces/invitations/" in line]
    assert printed
    assert all("http://127.0.0.1:8001/workspaces/invitations/" in line for line in printed)


def test_absolute_url_outside_a_request_uses_portal_base_url(settings):
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8001/"
    assert portal_mail.absolute_url("/workspaces/") == "http://127.0.0.1:8001/workspaces/"
    with request_context.using(request_context.RequestContext(origin="http://localhost:9000")):
        assert portal_mail.absolute_url("/workspaces/") == "http://localhost:9000/workspaces/"


def test_a_forged_host_never_reaches_a_mail(workspace, roles, as_user, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.org"
    response = as_user(roles["manager"]).post(
        reverse("members:invitation_create", kwargs={"slug": workspace.slug}),
        {"email": "new.person@example.org", "role": "member"},
        HTTP_HOST="evil.example.com",
    )
    assert response.status_code == 400
    assert not mail.outbox
    assert not Invitation.objects.exists()


def test_the_invitation_says_who_invites_from_which_organisation(workspace, roles, as_user):
    manager = roles["manager"]
    manager.first_name, manager.last_name = "Aliya", "Toktogulova"
    manager.save()
    as_user(manager).post(
        reverse("members:invitation_create", kwargs={"slug": workspace.slug}),
        {"email": "new.person@example.org", "role": "member"},
    )
    (message,) = mail.outbox
    body = " ".join(message.body.split())
    assert f"Aliya Toktogulova of {manager.organisation.name} invites you" in body
    assert "“Osh monitoring”" in body
    assert "Aliya Toktogulova" in message.subject
    # Names, never the sender's address: mailboxes leak.
    assert manager.email not in message.body


def test_the_invitation_without_a_name_names_the_organisation(workspace, roles, as_user):
    manager = roles["manager"]
    manager.first_name = manager.last_name = ""
    manager.save()
    as_user(manager).post(
        reverse("members:invitation_create", kwargs={"slug": workspace.slug}),
        {"email": "new.person@example.org", "role": "member"},
    )
    body = " ".join(mail.outbox[0].body.split())
    assert f"A colleague at {manager.organisation.name} invites you" in body
    assert manager.email not in body


def test_the_invitation_goes_out_in_the_sites_language_whatever_the_senders(
    workspace, roles, as_user, settings
):
    settings.LANGUAGE_CODE = "ru"  # the invitee's language is unknown: the site's
    manager = UserFactory(email="boss@example.org", first_name="Бакыт", last_name="Осмонов")
    add_member(workspace, manager, "manager")
    as_user(manager).post(
        reverse("members:invitation_create", kwargs={"slug": workspace.slug}),
        {"email": "new.person@example.org", "role": "member"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = mail.outbox[0].body
    assert body.startswith("Здравствуйте")
    assert "Бакыт Осмонов" in body
