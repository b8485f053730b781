"""The audit log reads who acted from where out of the request being answered
(portal.core.request_context), so services need no request argument: the
address is the connection's, never what the client claims, and work done
outside a request records none."""

import pytest
from django.urls import reverse

from portal.members import audit
from portal.members.invitations import invite
from portal.members.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_an_invitation_sent_from_the_site_records_the_connection_address(workspace, roles, as_user):
    response = as_user(roles["manager"]).post(
        reverse("members:invitation_create", kwargs={"slug": workspace.slug}),
        {"email": "new.person@example.org", "role": "member"},
        REMOTE_ADDR="203.0.113.7",
        # What a client may claim: never recorded.
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=audit.INVITATION_SENT)
    assert event.ip_address == "203.0.113.7"
    assert event.actor == roles["manager"]


def test_work_done_outside_a_request_records_no_address(workspace, roles):
    invite(workspace, "someone@example.org", "member", actor=roles["manager"])
    event = AuditEvent.objects.get(action=audit.INVITATION_SENT)
    assert event.ip_address is None
    assert event.actor == roles["manager"]
