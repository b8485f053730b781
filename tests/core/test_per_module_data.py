"""tests/conftest.py per_module: data built once for a module's tests, each
test with its own copy, its changes gone before the next test."""

import pytest

from portal.members.models import Organisation
from tests.conftest import per_module
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

BUILDS = []


def _build():
    BUILDS.append("built")
    return {"org": OrganisationFactory(name="Osh Migrant Help")}


_module_shared, shared = per_module("shared", _build, "One organisation, made once.")


def test_a_test_changes_its_copy_and_the_row(shared):
    shared["org"].name = "Changed"
    shared["org"].save()
    assert Organisation.objects.get(pk=shared["org"].pk).name == "Changed"


def test_the_next_test_gets_the_data_as_built_and_nothing_is_built_again(shared):
    assert shared["org"].name == "Osh Migrant Help"
    assert Organisation.objects.get(pk=shared["org"].pk).name == "Osh Migrant Help"
    assert BUILDS == ["built"]
