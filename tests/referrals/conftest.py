import pytest
from django.contrib.auth.models import Group

from portal.core.roles import EDITORS, NETWORK_COORDINATORS
from tests.conftest import per_module
from tests.factories import OrganisationFactory, UserFactory, make_workspace
from tests.referrals.builders import make_provider, referral_world

NOTE = "Kapibaraquartz: the night guard lets people in after ten."


_module_world, world = per_module(
    "world",
    referral_world,
    """The referral world (tests/referrals/builders.referral_world), made once
    per module: some 400 statements.""",
)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def in_group(user, name):
    user.groups.add(Group.objects.get(name=name))
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def member_org():
    return OrganisationFactory(name="Osh Migrant Help", country="KG", verified=True)


@pytest.fixture
def providers(member_org):
    """A public shelter (accepts referrals, in its organisation's intake
    workspace), an unlisted legal aid service with internal notes, and an
    inactive public one."""
    intake = make_workspace(
        owner=UserFactory(email="intake.owner@example.org", organisation=member_org),
        slug="osh-intake",
        name="Osh intake",
        organisation=member_org,
    )
    return {
        "public": make_provider(
            organisation=member_org,
            name="",
            services=["shelter", "psychological"],
            languages=["ru", "ky"],
            accepts_referrals=True,
            receiving_workspace=intake,
            public=True,
            phone="+996 3222 00 100",
            notes_internal=NOTE,
        ),
        "unlisted": make_provider(
            name="Khujand Lawyers Zebrafinch",
            services=["legal_aid"],
            country="TJ",
            city="Khujand",
            languages=["tg"],
            public=False,
            notes_internal=NOTE,
        ),
        "inactive": make_provider(
            name="Closed Shelter Gnuwildebeest", public=True, active=False, country="UZ"
        ),
    }


@pytest.fixture
def network_member(member_org):
    return UserFactory(email="member@example.org", organisation=member_org)


@pytest.fixture
def outsider():
    """Signed in, in no verified organisation."""
    return UserFactory(
        email="outsider@example.org",
        organisation=OrganisationFactory(name="Unverified NGO", verified=False),
    )


@pytest.fixture
def other_workspace_owner():
    """Owns a workspace of their own, but their organisation is not verified."""
    owner = UserFactory(
        email="owner@example.org",
        organisation=OrganisationFactory(name="Pending NGO", verified=False),
    )
    make_workspace(owner=owner)
    return owner


@pytest.fixture
def editor():
    return in_group(UserFactory(email="editor@example.org"), EDITORS)


@pytest.fixture
def coordinator():
    return in_group(UserFactory(email="coordinator@example.org"), NETWORK_COORDINATORS)
