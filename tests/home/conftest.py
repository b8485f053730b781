import copy

import pytest

from tests.conftest import module_data
from tests.home.builders import make_site


@pytest.fixture(scope="module")
def _module_site(request, django_db_setup, django_db_blocker):
    """The site built once per module (building its pages takes seconds); see
    tests/conftest.py module_data."""
    with module_data(request, django_db_blocker):
        with django_db_blocker.unblock():
            built = make_site()
        yield built


@pytest.fixture
def site(db, _module_site):
    """Russian and English home pages with every section, nothing else. Each
    test gets its own copies of the page objects (its changes to the rows are
    rolled back after it, as always)."""
    return copy.deepcopy(_module_site)
