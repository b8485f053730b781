import pytest

from tests.home.builders import make_site


@pytest.fixture
def site(db):
    """Russian and English home pages with every section, nothing else."""
    return make_site()
