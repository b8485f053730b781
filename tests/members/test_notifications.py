"""Email notifications: at once or in a daily digest, as each person chooses;
minimal mails (workspace name, discussion title, a link); `send_digests`."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from portal.members import notifications
from portal.members.discussions import add_comment, set_discussion_hidden, start_discussion
from portal.members.models import Activity, NotificationPreference
from tests.factories import make_file, make_workspace

pytestmark = pytest.mark.django_db


@pytest.fixture
def prefs(roles):
    notifications.set_frequency(roles["manager"], "daily")
    notifications.set_frequency(roles["observer"], "off")
    # owner and member keep the default: immediately


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_new_discussion_is_mailed_at_once_to_members_who_want_it(
    workspace, roles, prefs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        discussion = start_discussion(
            workspace, roles["member"], "Winter places", "Secret details of a case"
        )
    assert recipients() == [roles["owner"].email]
    message = mail.outbox[0]
    assert "Osh monitoring" in message.subject
    assert "Winter places" in message.body
    assert f"http://testserver{discussion.get_absolute_url()}" in message.body
    assert "Secret details" not in message.body
    assert roles["member"].email not in message.body


def test_a_new_comment_mail_names_the_thread_not_the_comment(
    workspace, roles, prefs, django_capture_on_commit_callbacks
):
    discussion = start_discussion(workspace, roles["owner"], "Winter places", "b", notify=False)
    with django_capture_on_commit_callbacks(execute=True):
        comment = add_comment(discussion, roles["owner"], "Case details that must stay inside")
    assert recipients() == [roles["member"].email]
    body = mail.outbox[0].body
    assert "Winter places" in body and comment.get_absolute_url() in body
    assert "Case details" not in body


def test_nothing_is_mailed_when_the_change_is_rolled_back(
    workspace, roles, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                start_discussion(workspace, roles["member"], "Oops", "b")
                raise RuntimeError("fail after posting")
        except RuntimeError:
            pass
    assert mail.outbox == []


def test_the_preference_page_changes_the_choice(roles, as_user):
    client = as_user(roles["member"])
    page = client.get(reverse("members:notification_settings"))
    assert page.context["form"].initial["frequency"] == "immediate"
    response = client.post(reverse("members:notification_settings"), {"frequency": "daily"})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=roles["member"])
    assert pref.frequency == "daily"
    # The first digest starts now: earlier news was already mailed one by one.
    assert timezone.now() - pref.digest_sent_until < timedelta(seconds=5)
    bad = client.post(reverse("members:notification_settings"), {"frequency": "hourly"})
    assert bad.status_code == 400


def _digest(until=None):
    out = io.StringIO()
    args = ["--until", until.isoformat()] if until else []
    call_command("send_digests", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _age(hours):
    """Move every activity ``hours`` into the past (digests cover a period)."""
    for activity in Activity.objects.all():
        Activity.objects.filter(pk=activity.pk).update(
            created_at=activity.created_at - timedelta(hours=hours)
        )


def test_the_daily_digest_sums_up_others_news_once(workspace, roles, prefs):
    manager = roles["manager"]
    NotificationPreference.objects.filter(user=manager).update(
        digest_sent_until=timezone.now() - timedelta(days=1)
    )
    discussion = start_discussion(workspace, roles["member"], "Winter places", "body", notify=False)
    add_comment(discussion, roles["owner"], "first", notify=False)
    add_comment(discussion, roles["member"], "second", notify=False)
    start_discussion(workspace, manager, "My own thread", "body", notify=False)
    hidden = start_discussion(workspace, roles["member"], "Hidden thread", "body", notify=False)
    set_discussion_hidden(hidden, True, actor=manager)
    make_file(workspace, roles["member"], name="names-of-people.csv", content=b"a\n")
    elsewhere = make_workspace(slug="elsewhere-2", name="Elsewhere two")
    start_discussion(elsewhere, elsewhere.memberships.get().user, "Not mine", "b", notify=False)

    output = _digest()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [manager.email]
    body = message.body
    assert "Osh monitoring" in body
    assert "Winter places" in body and "2 comments" in body
    assert "1 new file" in body
    assert "names-of-people" not in body
    assert "My own thread" not in body
    assert "Hidden thread" not in body
    assert "Not mine" not in body
    assert "body" not in body.replace("nobody", "")
    assert f"[1/1] {manager.email}: sent (1 workspace)" in output

    # Run again: nothing new, nothing sent.
    output = _digest()
    assert len(mail.outbox) == 1
    assert "nothing new" in output


def test_rerunning_for_the_same_period_sends_nothing(workspace, roles, prefs):
    NotificationPreference.objects.filter(user=roles["manager"]).update(
        digest_sent_until=timezone.now() - timedelta(days=1)
    )
    start_discussion(workspace, roles["member"], "Winter places", "body", notify=False)
    until = timezone.now()
    _digest(until)
    output = _digest(until)
    assert len(mail.outbox) == 1
    assert "already sent for this period" in output


def test_the_next_digest_has_only_what_is_new(workspace, roles, prefs):
    NotificationPreference.objects.filter(user=roles["manager"]).update(
        digest_sent_until=timezone.now() - timedelta(days=2)
    )
    start_discussion(workspace, roles["member"], "Old news", "b", notify=False)
    _digest()
    start_discussion(workspace, roles["member"], "Fresh news", "b", notify=False)
    _digest()
    assert len(mail.outbox) == 2
    assert "Old news" in mail.outbox[0].body
    assert "Fresh news" in mail.outbox[1].body and "Old news" not in mail.outbox[1].body


def test_news_from_before_joining_is_not_in_the_digest(workspace, roles):
    start_discussion(workspace, roles["member"], "Before you came", "b", notify=False)
    _age(5)
    from tests.factories import UserFactory, add_member

    newcomer = add_member(workspace, UserFactory(), "member")
    notifications.set_frequency(newcomer, "daily")
    NotificationPreference.objects.filter(user=newcomer).update(
        digest_sent_until=timezone.now() - timedelta(days=1)
    )
    _digest()
    assert all("Before you came" not in m.body for m in mail.outbox if m.to == [newcomer.email])


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        raise OSError("mail server down")

    def close(self):
        pass

    def __enter__(self):
        self.open()

    def __exit__(self, *exc):
        return False


@override_settings(EMAIL_BACKEND="tests.members.test_notifications.FailingBackend")
def test_a_failed_digest_is_retried_next_time(workspace, roles, prefs):
    until_before = timezone.now() - timedelta(days=1)
    NotificationPreference.objects.filter(user=roles["manager"]).update(
        digest_sent_until=until_before
    )
    start_discussion(workspace, roles["member"], "Winter places", "b", notify=False)
    with pytest.raises(CommandError, match="could not be sent"):
        _digest()
    assert (
        NotificationPreference.objects.get(user=roles["manager"]).digest_sent_until == until_before
    )


def test_a_bad_until_is_refused_clearly():
    with pytest.raises(CommandError, match="not a date"):
        call_command("send_digests", "--until", "yesterday", stdout=io.StringIO())
