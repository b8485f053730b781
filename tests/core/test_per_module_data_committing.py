"""tests/conftest.py per_module in a module where a test commits: the rows
could not be shared (the commit would keep them), so each test builds its
own."""

import pytest

from portal.members.models import Organisation
from tests.conftest import per_module
from tests.factories import OrganisationFactory

BUILDS = []


def _build():
    BUILDS.append("built")
    return OrganisationFactory(name="Andijan Shelter")


_module_org, org = per_module("org", _build, "One organisation.")


@pytest.mark.django_db
def test_a_test_that_rolls_back_builds_its_own(org):
    assert Organisation.objects.filter(name="Andijan Shelter").count() == 1
    assert len(BUILDS) == 1


@pytest.mark.django_db(transaction=True)
def test_a_test_that_commits_builds_its_own_too(org):
    assert Organisation.objects.filter(name="Andijan Shelter").count() == 1
    assert len(BUILDS) == 2
