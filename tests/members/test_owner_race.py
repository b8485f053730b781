"""Two owners taking each other's ownership away at the same moment must not
leave a workspace without an owner. Real PostgreSQL transactions in two
threads: the second change has to wait for the first and is then refused."""

import threading

import pytest
from django.db import connection, transaction

from portal.members.models import Membership
from portal.members.permissions import PermissionChangeError, remove_membership, set_membership
from tests.factories import UserFactory, add_member, make_workspace

pytestmark = pytest.mark.django_db(transaction=True)


def demote(workspace, user):
    set_membership(workspace, user, "manager", actor=user)


def remove(workspace, user):
    remove_membership(workspace, user, actor=user, left=True)


@pytest.mark.parametrize(
    ("first", "second"),
    [(demote, demote), (remove, demote), (demote, remove), (remove, remove)],
    ids=["demote-demote", "leave-demote", "demote-leave", "leave-leave"],
)
def test_two_owners_stepping_down_at_once_leave_one_owner(first, second):
    anna, bakyt = UserFactory(email="anna@example.org"), UserFactory(email="bakyt@example.org")
    workspace = make_workspace(owner=anna)
    add_member(workspace, bakyt, "owner")

    first_changed, release = threading.Event(), threading.Event()
    outcome = {}

    def run_first():
        try:
            with transaction.atomic():
                first(workspace, anna)
                first_changed.set()
                # Hold the transaction open while the second change starts.
                release.wait(timeout=10)
        finally:
            first_changed.set()
            connection.close()

    def run_second():
        try:
            second(workspace, bakyt)
            outcome["second"] = "done"
        except PermissionChangeError as exc:
            outcome["second"] = str(exc)
        finally:
            connection.close()

    one = threading.Thread(target=run_first)
    one.start()
    assert first_changed.wait(timeout=10)
    two = threading.Thread(target=run_second)
    two.start()
    two.join(timeout=1)
    waited = two.is_alive()
    release.set()
    one.join(timeout=10)
    two.join(timeout=10)

    assert waited, "the second change did not wait for the first"
    assert "needs an owner" in outcome["second"]
    owners = Membership.objects.filter(workspace=workspace, role="owner")
    assert list(owners.values_list("user__email", flat=True)) == ["bakyt@example.org"]
