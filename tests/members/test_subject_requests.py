"""A person's request to see, correct or erase what concerns them: due in
seven days, handled by the organisation that received it (its workspace
owners and managers) and the network coordinators, nobody else; overdue ones
reach the coordinators by mail and top the admin list."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.core import periodic
from portal.demo.steps.accounts import ensure_site_role_groups
from portal.members import subject_requests
from portal.members.models import AuditEvent, SubjectRequest
from tests.factories import OrganisationFactory, UserFactory, add_member, make_workspace

pytestmark = pytest.mark.django_db

ACTION_TEXT = "Sent the person a summary of the two case records on paper."


def admin_access(user):
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    return user


@pytest.fixture
def world():
    osh = OrganisationFactory(name="Osh Shelter Union")
    andijan = OrganisationFactory(name="Andijan Legal Aid")
    osh_owner = admin_access(UserFactory(organisation=osh))
    osh_workspace = make_workspace(owner=osh_owner, organisation=osh)
    andijan_owner = admin_access(UserFactory(organisation=andijan))
    make_workspace(owner=andijan_owner, organisation=andijan)
    coordinator = UserFactory(is_staff=True, email="coordinator@example.org")
    coordinator.groups.add(ensure_site_role_groups()["Network coordinators"])
    osh_request = SubjectRequest.objects.create(organisation=osh, kind="erasure")
    andijan_request = SubjectRequest.objects.create(organisation=andijan, kind="access")
    return {
        "osh": osh,
        "andijan": andijan,
        "osh_owner": osh_owner,
        "osh_workspace": osh_workspace,
        "andijan_owner": andijan_owner,
        "coordinator": coordinator,
        "osh_request": osh_request,
        "andijan_request": andijan_request,
    }


def listed(client):
    response = client.get(reverse("subject_requests:index"))
    if response.status_code != 200:
        return response.status_code
    return [item.pk for item in response.context["object_list"]]


def form_data(organisation, **values):
    data = {
        "organisation": organisation.pk,
        "kind": "erasure",
        "received_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "status": "open",
        "refusal_reason": "",
        "action_taken": "",
    }
    data.update(values)
    return data


def test_a_request_is_due_seven_days_after_it_was_received(world):
    received = timezone.now() - datetime.timedelta(days=2)
    request = SubjectRequest.objects.create(
        organisation=world["osh"], kind="access", received_at=received
    )
    assert request.due_at == received + datetime.timedelta(days=7)


def test_the_due_date_follows_the_setting(world, settings):
    settings.PORTAL_SUBJECT_REQUEST_DAYS = 10
    received = timezone.now()
    request = SubjectRequest.objects.create(
        organisation=world["osh"], kind="access", received_at=received
    )
    assert request.due_at == received + datetime.timedelta(days=10)


def test_coordinators_see_every_organisations_requests_overdue_first(world, client):
    late = SubjectRequest.objects.create(
        organisation=world["andijan"],
        kind="correction",
        received_at=timezone.now() - datetime.timedelta(days=9),
    )
    client.force_login(world["coordinator"])
    rows = listed(client)
    assert rows[0] == late.pk
    assert set(rows) == {late.pk, world["osh_request"].pk, world["andijan_request"].pk}
    page = client.get(reverse("subject_requests:index")).content.decode()
    assert "Overdue" in page


def test_an_organisations_owner_sees_only_their_organisations_requests(world, client):
    client.force_login(world["osh_owner"])
    assert listed(client) == [world["osh_request"].pk]


def test_another_organisations_request_is_not_found_in_the_admin(world, client):
    client.force_login(world["andijan_owner"])
    other = world["osh_request"]
    for name in ("subject_requests:edit", "subject_requests:history"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
    response = client.post(
        reverse("subject_requests:edit", args=[other.pk]),
        form_data(world["osh"], status="answered", action_taken="Done."),
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == "open"


def test_an_owner_cannot_file_a_request_for_another_organisation(world, client):
    client.force_login(world["andijan_owner"])
    response = client.post(reverse("subject_requests:add"), form_data(world["osh"]))
    assert response.status_code == 200  # the form again, with the error
    assert "organisation" in response.context["form"].errors
    assert SubjectRequest.objects.filter(organisation=world["osh"]).count() == 1


@pytest.mark.parametrize("role", ["member", "observer"])
def test_members_below_manager_cannot_open_the_requests(world, client, role):
    person = admin_access(UserFactory(organisation=world["osh"]))
    add_member(world["osh_workspace"], person, role)
    client.force_login(person)
    assert listed(client) in (302, 403)
    response = client.get(reverse("subject_requests:edit", args=[world["osh_request"].pk]))
    assert response.status_code in (302, 403, 404)


def test_a_guest_manager_from_another_organisation_does_not_see_the_hosts_requests(world, client):
    guest = world["andijan_owner"]
    add_member(world["osh_workspace"], guest, "manager")
    client.force_login(guest)
    assert world["osh_request"].pk not in listed(client)


def test_anonymous_visitors_are_sent_to_sign_in(world, client):
    response = client.get(reverse("subject_requests:index"))
    assert response.status_code == 302
    assert "login" in response.url


def test_a_manager_records_what_was_done_and_it_is_audited(world, client):
    manager = admin_access(UserFactory(organisation=world["osh"]))
    add_member(world["osh_workspace"], manager, "manager")
    client.force_login(manager)
    request = world["osh_request"]
    response = client.post(
        reverse("subject_requests:edit", args=[request.pk]),
        form_data(world["osh"], status="answered", action_taken=ACTION_TEXT),
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.action_taken, request.handled_by) == (
        "answered",
        ACTION_TEXT,
        manager,
    )
    assert request.closed_at is not None
    event = AuditEvent.objects.get(action=subject_requests.SUBJECT_REQUEST_CHANGED)
    assert event.actor == manager
    assert event.details == {"request_status": "answered"}
    assert ACTION_TEXT not in event.target_repr


def test_contacts_in_what_was_done_are_refused_and_nothing_is_saved(world, client):
    client.force_login(world["osh_owner"])
    request = world["osh_request"]
    response = client.post(
        reverse("subject_requests:edit", args=[request.pk]),
        form_data(world["osh"], status="answered", action_taken="Called her on +996 555 123 456"),
    )
    assert response.status_code == 200
    assert "action_taken" in response.context["form"].errors
    request.refresh_from_db()
    assert (request.status, request.action_taken) == ("open", "")


def test_a_refusal_needs_its_reason(world, client):
    client.force_login(world["osh_owner"])
    request = world["osh_request"]
    response = client.post(
        reverse("subject_requests:edit", args=[request.pk]),
        form_data(world["osh"], status="refused"),
    )
    assert response.status_code == 200
    assert "refusal_reason" in response.context["form"].errors
    request.refresh_from_db()
    assert request.status == "open"


def test_nobody_deletes_a_request(world, client):
    client.force_login(world["coordinator"])
    request = world["osh_request"]
    response = client.post(reverse("subject_requests:delete", args=[request.pk]))
    assert response.status_code in (302, 403)
    assert SubjectRequest.objects.filter(pk=request.pk).exists()


def test_overdue_requests_reach_the_coordinators_by_mail_and_nobody_else(world):
    SubjectRequest.objects.filter(pk=world["osh_request"].pk).update(
        due_at=timezone.now() - datetime.timedelta(days=1), action_taken=ACTION_TEXT
    )
    mail.outbox.clear()
    sent = subject_requests.send_overdue_alert()
    assert sent == 1
    message = mail.outbox[0]
    assert message.to == ["coordinator@example.org"]
    assert "Osh Shelter Union: 1" in message.body
    assert "Andijan" not in message.body
    assert ACTION_TEXT not in message.body
    assert reverse("subject_requests:index") in message.body


def test_no_mail_when_nothing_is_overdue(world):
    mail.outbox.clear()
    assert subject_requests.send_overdue_alert() == 0
    assert mail.outbox == []


def test_the_worker_sends_the_overdue_alert_daily():
    job = next(job for job in periodic.jobs() if job.name == "subject_requests.overdue")
    assert job.interval() == 24 * 3600


def test_a_received_date_in_the_future_is_refused(world, client):
    client.force_login(world["osh_owner"])
    later = (timezone.localtime() + datetime.timedelta(days=30)).strftime("%Y-%m-%d %H:%M")
    response = client.post(
        reverse("subject_requests:add"), form_data(world["osh"], received_at=later)
    )
    assert response.status_code == 200
    assert "received_at" in response.context["form"].errors
    assert SubjectRequest.objects.filter(organisation=world["osh"]).count() == 1


def test_an_owner_records_a_new_request_for_their_organisation(world, client):
    client.force_login(world["osh_owner"])
    response = client.post(reverse("subject_requests:add"), form_data(world["osh"], kind="access"))
    assert response.status_code == 302
    created = SubjectRequest.objects.filter(organisation=world["osh"]).latest("pk")
    assert created.handled_by == world["osh_owner"]
    assert AuditEvent.objects.filter(
        action=subject_requests.SUBJECT_REQUEST_RECORDED, actor=world["osh_owner"]
    ).exists()


@pytest.mark.parametrize("who", ["editor", "staff"])
def test_page_editors_and_plain_staff_cannot_open_the_requests(world, client, who):
    person = admin_access(UserFactory(is_staff=True))
    if who == "editor":
        person.groups.add(ensure_site_role_groups()["Editors"])
    client.force_login(person)
    assert listed(client) in (302, 403)
    response = client.get(reverse("subject_requests:edit", args=[world["osh_request"].pk]))
    assert response.status_code in (302, 403, 404)
    assert "Osh Shelter Union" not in client.get(reverse("wagtailadmin_home")).content.decode()
