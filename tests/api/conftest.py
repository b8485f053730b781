import datetime

import pytest
from django.utils import timezone

from portal.api.models import Scope
from portal.api.tokens import issue_token, revoke_token
from tests.factories import OrganisationFactory


@pytest.fixture(autouse=True)
def english_interface(settings):
    """These tests read the interface's English wording. Russian, the default,
    has its own tests: tests/home/test_translations.py."""
    settings.LANGUAGE_CODE = "en"


def make_token(*, scopes=(Scope.ANONYMISED_CASES,), days=30, revoked=False, name="Partner sync"):
    organisation = OrganisationFactory(name="IOM partner office", verified=False)
    token, raw = issue_token(
        name=name,
        organisation=organisation,
        scopes=list(scopes),
        expires_at=timezone.now() + datetime.timedelta(days=days),
        actor=None,
    )
    if revoked:
        revoke_token(token, actor=None)
    return token, raw


@pytest.fixture
def partner_token():
    return make_token()


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
