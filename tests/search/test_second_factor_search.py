"""Search answers a password-only session with public documents only, on the
real index: a stolen password finds nothing restricted, not even a title."""

import pytest

from portal.core.audience import NETWORK, PUBLIC, workspace_token
from portal.search import queue
from portal.search.registry import SearchEntry
from tests.factories import OrganisationFactory, UserFactory, add_member, make_workspace
from tests.mfa import add_totp, pass_second_factor

pytestmark = pytest.mark.django_db


def entry(object_id, title, audiences):
    return SearchEntry(
        kind="note",
        object_id=str(object_id),
        title=title,
        url=f"/note/{object_id}/",
        audiences=tuple(audiences),
        body="Trafficking case notes.",
    )


@pytest.fixture
def member_with_totp(es_index, test_sources):
    workspace = make_workspace(slug="osh-monitoring", name="Osh monitoring")
    member = add_member(workspace, UserFactory(organisation=OrganisationFactory(verified=True)))
    queue.index_entries(
        [
            entry(1, "Hotline for trafficking survivors", [PUBLIC]),
            entry(2, "Network trafficking trends", [NETWORK]),
            entry(3, "Osh trafficking report", [workspace_token(workspace)]),
        ],
        refresh=True,
    )
    return member, add_totp(member)


def found(client):
    page = [
        hit.title for hit in client.get("/search/", {"q": "trafficking"}).context["results"].hits
    ]
    suggested = [
        item["title"]
        for item in client.get("/search/suggest/", {"q": "trafficking"}).json()["suggestions"]
    ]
    return set(page), set(suggested)


@pytest.mark.parametrize("require_mfa", [True, False])
def test_a_password_only_session_finds_public_documents_only_until_it_passes_the_code(
    client, member_with_totp, settings, require_mfa
):
    settings.PORTAL_REQUIRE_MFA = require_mfa
    member, secret = member_with_totp
    client.force_login(member)  # a stolen password
    page, suggested = found(client)
    assert page == {"Hotline for trafficking survivors"}
    assert suggested <= {"Hotline for trafficking survivors"}

    pass_second_factor(client, member, secret)
    page, suggested = found(client)
    assert page == {
        "Hotline for trafficking survivors",
        "Network trafficking trends",
        "Osh trafficking report",
    }
    assert "Osh trafficking report" in suggested
