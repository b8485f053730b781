"""Fixtures for the members' area: a workspace with one person per role, and
private files written to a temporary directory."""

import pytest

from tests.factories import OrganisationFactory, UserFactory, add_member, make_workspace


@pytest.fixture(autouse=True)
def english_interface(settings):
    """These tests read the interface's English wording. Russian, the default,
    has its own tests: tests/home/test_translations.py."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def private_media(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def org(db):
    return OrganisationFactory(verified=True)


@pytest.fixture
def people(org):
    """One person per role in ``workspace`` and the usual outsiders."""
    owner = UserFactory(email="owner@example.org", organisation=org)
    workspace = make_workspace(owner=owner, slug="osh-monitoring", name="Osh monitoring")
    other = make_workspace(slug="elsewhere", name="Elsewhere")
    roles = {
        "owner": owner,
        "manager": add_member(
            workspace, UserFactory(email="manager@example.org", organisation=org), "manager"
        ),
        "member": add_member(
            workspace, UserFactory(email="member@example.org", organisation=org), "member"
        ),
        "observer": add_member(
            workspace, UserFactory(email="observer@example.org", organisation=org), "observer"
        ),
        "other_member": add_member(
            other, UserFactory(email="other@example.org", organisation=org), "owner"
        ),
        "outsider": UserFactory(email="outsider@example.org"),
        "staff": UserFactory(email="office@example.org", is_staff=True),
    }
    return workspace, roles


@pytest.fixture
def workspace(people):
    return people[0]


@pytest.fixture
def roles(people):
    return people[1]


@pytest.fixture
def as_user(client):
    """as_user(user) signs the test client in as ``user`` and returns it."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
