"""Workspace.objects.ids_for_user, the fast path of a person's audience tokens
(every search and API call), gives exactly guardian's answer: the workspaces
the person may open, from their own permission rows and their groups', and
nothing for someone removed, deactivated or signed out."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.utils.functional import SimpleLazyObject
from guardian.shortcuts import assign_perm, get_objects_for_user

from portal.core.audience import audiences_for, workspace_token
from portal.members.models import Workspace
from portal.members.models.workspaces import PERM_CONTRIBUTE, PERM_VIEW
from portal.members.permissions import remove_membership
from tests.factories import UserFactory, add_member, make_workspace

pytestmark = pytest.mark.django_db


def guardian_answer(user):
    return set(
        get_objects_for_user(
            user, f"members.{PERM_VIEW}", klass=Workspace, accept_global_perms=False
        ).values_list("pk", flat=True)
    )


@pytest.fixture
def network():
    owner = UserFactory(email="owner@example.org")
    osh, andijan, khujand = (
        make_workspace(owner=owner, name=n) for n in ("Osh", "Andijan", "Khujand")
    )
    return owner, osh, andijan, khujand


def test_a_member_gets_the_workspaces_of_their_memberships_only(network):
    owner, osh, andijan, khujand = network
    member = add_member(osh, UserFactory(), "observer")
    add_member(andijan, member, "manager")
    assert Workspace.objects.ids_for_user(member) == {osh.pk, andijan.pk} == guardian_answer(member)
    # As a request holds the person: a lazy object.
    lazy = SimpleLazyObject(lambda: member)
    assert Workspace.objects.ids_for_user(lazy) == {osh.pk, andijan.pk}
    assert Workspace.objects.ids_for_user(owner) == {osh.pk, andijan.pk, khujand.pk}
    assert guardian_answer(owner) == {osh.pk, andijan.pk, khujand.pk}


def test_a_removed_member_and_an_outsider_get_nothing(network):
    owner, osh, _, _ = network
    member = add_member(osh, UserFactory())
    remove_membership(osh, member, actor=owner)
    outsider = UserFactory()
    for person in (member, outsider):
        assert Workspace.objects.ids_for_user(person) == set() == guardian_answer(person)
        assert audiences_for(person).isdisjoint({workspace_token(osh)})


def test_a_permission_given_to_a_group_counts_and_another_permission_does_not(network):
    _, osh, andijan, _ = network
    person = UserFactory()
    group = Group.objects.create(name="Osh readers")
    person.groups.add(group)
    assign_perm(f"members.{PERM_VIEW}", group, osh)
    # Contributing without the view permission opens nothing.
    assign_perm(f"members.{PERM_CONTRIBUTE}", person, andijan)
    assert Workspace.objects.ids_for_user(person) == {osh.pk} == guardian_answer(person)


def test_a_deactivated_account_and_a_visitor_get_nothing_and_a_superuser_everything(network):
    _, osh, andijan, khujand = network
    member = add_member(osh, UserFactory())
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert Workspace.objects.ids_for_user(member) == set()
    assert Workspace.objects.ids_for_user(AnonymousUser()) == set()
    root = UserFactory(is_superuser=True)
    assert Workspace.objects.ids_for_user(root) == {osh.pk, andijan.pk, khujand.pk}
    assert guardian_answer(root) == {osh.pk, andijan.pk, khujand.pk}
