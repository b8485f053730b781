"""The directory's rules on the model and in the policy: an external provider
cannot take referrals through the portal and needs a name; the public sees
public, active providers only."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from portal.referrals.models import ServiceProvider
from portal.referrals.policy import (
    can_manage_directory,
    can_see_internal_notes,
    can_view_directory,
    providers_visible_to,
)
from tests.factories import make_workspace
from tests.referrals.builders import make_provider

pytestmark = pytest.mark.django_db


def test_an_external_provider_cannot_accept_referrals_through_the_portal():
    with pytest.raises(ValidationError) as error:
        make_provider(name="State shelter", accepts_referrals=True)
    assert "accepts_referrals" in error.value.message_dict
    # Also refused by the database, for code that skips validation.
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceProvider.objects.create(
            name="State shelter", services=["shelter"], country="KG", accepts_referrals=True
        )


def test_an_external_provider_needs_a_name(member_org):
    with pytest.raises(ValidationError) as error:
        make_provider(name="  ")
    assert "name" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceProvider.objects.create(name="", services=["shelter"], country="KG")
    intake = make_workspace(organisation=member_org)
    member = make_provider(
        organisation=member_org, name="", accepts_referrals=True, receiving_workspace=intake
    )
    assert member.display_name == member_org.name


def test_a_member_accepting_referrals_needs_a_workspace_of_its_own(member_org):
    with pytest.raises(ValidationError) as error:
        make_provider(organisation=member_org, name="", accepts_referrals=True)
    assert error.value.message_dict["receiving_workspace"] == [
        "Choose the workspace whose case workers answer referrals."
    ]
    elsewhere = make_workspace()  # another organisation's
    with pytest.raises(ValidationError) as error:
        make_provider(
            organisation=member_org, name="", accepts_referrals=True, receiving_workspace=elsewhere
        )
    assert error.value.message_dict["receiving_workspace"] == [
        "Choose a workspace of this organisation."
    ]
    assert not ServiceProvider.objects.exists()


def test_services_and_languages_outside_the_lists_are_refused():
    with pytest.raises(ValidationError) as error:
        make_provider(services=["witchcraft"], languages=["xx"])
    assert {"services", "languages"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError):
        make_provider(services=[])


def test_anonymous_outsider_and_editor_see_only_public_active_providers(
    providers, outsider, other_workspace_owner, editor
):
    from django.contrib.auth.models import AnonymousUser

    for person in (AnonymousUser(), outsider, other_workspace_owner, editor):
        assert list(providers_visible_to(person)) == [providers["public"]]
        assert not can_view_directory(person)
        assert can_view_directory(person).status == 404
        assert not can_see_internal_notes(person)
        assert not can_manage_directory(person)


def test_network_members_see_every_active_provider_but_do_not_manage(
    providers, network_member, coordinator
):
    for person in (network_member, coordinator):
        assert set(providers_visible_to(person)) == {providers["public"], providers["unlisted"]}
        assert can_view_directory(person) and can_see_internal_notes(person)
    assert not can_manage_directory(network_member)
    assert can_manage_directory(coordinator)
