"""Fixtures for the members' area: a workspace with one person per role, and
private files written to a temporary directory."""

import pytest

from tests.conftest import per_module
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


def _build_people():
    """One person per role in a workspace of a verified organisation, and the
    usual outsiders."""
    org = OrganisationFactory(verified=True)
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
    return org, workspace, roles


_module_people, _people = per_module(
    "_people",
    _build_people,
    """Seven accounts, two workspaces and their permissions: some 180
    statements, a third of a second before each test, so once per module.""",
)


@pytest.fixture
def org(_people):
    return _people[0]


@pytest.fixture
def people(_people):
    """One person per role in ``workspace`` and the usual outsiders."""
    return _people[1], _people[2]


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
