import pytest

from tests.home.builders import make_site


@pytest.fixture
def site(db):
    return make_site()
