"""End to end over the real sources: what search shows each person is exactly
what the portal's own pages let that person open.

Reports (workspace-only and shared with the network), discussions, workspace
files and workspaces are made the way the portal makes them, indexed by a real
rebuild into the real Elasticsearch (and the database mirror), then searched
through /search/ as each kind of person, on both backends. Every hit's URL is
then opened as that person: it must answer 200 (no hit the page would refuse),
and every object the person can open must be among the hits.
"""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from portal.core.roles import NETWORK_COORDINATORS
from portal.members import discussions, files
from portal.members.permissions import remove_membership
from portal.search import index
from portal.search.client import circuit, get_client
from portal.search.rebuild import rebuild
from tests.conftest import module_data
from tests.factories import OrganisationFactory, UserFactory, add_member, make_workspace
from tests.reports.factories import make_report, network_user
from tests.search_indices import private_alias


def coordinator():
    person = UserFactory(is_staff=True)
    person.groups.add(Group.objects.get_or_create(name=NETWORK_COORDINATORS)[0])
    return person


pytestmark = pytest.mark.django_db

WORD = "zebrafinch"  # one unusual word in every document, so one query finds them all


def _file(workspace, user, name):
    content = f"{WORD} field notes\n".encode()
    upload = SimpleUploadedFile(name, content, content_type="text/plain")
    return files.store_upload(workspace, upload, user, description=f"{WORD} notes", notify=False)


@pytest.fixture(scope="module")
def _module_world(request, django_db_setup, django_db_blocker):
    """The world and its index, built once for the module (the tests read it;
    their own changes to rows are rolled back after each): rows in the
    module's transaction (tests/conftest.py module_data), documents under the
    module's own alias, removed at the end."""

    with (
        private_alias("m") as prefix,
        module_data(request, django_db_blocker),
        override_settings(SEARCH_INDEX_PREFIX=prefix),
    ):
        with django_db_blocker.unblock():
            built = _build_world()
        yield prefix, built


@pytest.fixture
def world(_module_world, settings):
    prefix, built = _module_world
    settings.SEARCH_INDEX_PREFIX = prefix
    circuit.reset()
    # The test's own copy of the workspace object (rows are shared).
    return {**built, "osh": type(built["osh"]).objects.get(pk=built["osh"].pk)}


def _build_world():
    osh_owner = network_user()
    osh = make_workspace(owner=osh_owner, slug="osh-watch", name=f"Osh {WORD} watch")
    osh_member = add_member(osh, network_user(), "member")
    osh_observer = add_member(osh, network_user(), "observer")
    andijan_owner = network_user()
    andijan = make_workspace(owner=andijan_owner, slug="andijan-care", name=f"Andijan {WORD}")

    objects = {
        "osh draft report": make_report(osh, author=osh_owner, title=f"Osh {WORD} draft"),
        "osh shared report": make_report(
            osh, author=osh_owner, title=f"Osh {WORD} shared", audience="network"
        ),
        "andijan report": make_report(
            andijan, author=andijan_owner, title=f"Andijan {WORD} reviewed", status="reviewed"
        ),
        "osh discussion": discussions.start_discussion(
            osh, osh_member, f"{WORD} referral checklist", "Who calls whom.", notify=False
        ),
        "andijan discussion": discussions.start_discussion(
            andijan, andijan_owner, f"{WORD} shelter beds", "Winter capacity.", notify=False
        ),
        "osh file": _file(osh, osh_member, "osh-notes.txt"),
        "andijan file": _file(andijan, andijan_owner, "andijan-notes.txt"),
    }
    discussions.add_comment(
        objects["osh discussion"], osh_observer, f"{WORD} comment", notify=False
    )
    people = {
        "anonymous": AnonymousUser(),
        "outsider": UserFactory(),
        "unverified organisation": UserFactory(organisation=OrganisationFactory(verified=False)),
        "network member": network_user(),
        # Staff alone reads nothing of the network; the coordinators do.
        "office staff": UserFactory(is_staff=True),
        "network coordinator": coordinator(),
        "osh owner": osh_owner,
        "osh member": osh_member,
        "osh observer": osh_observer,
        "andijan owner": andijan_owner,
    }
    urls = {name: obj.get_absolute_url() for name, obj in objects.items()}
    urls["osh workspace"] = osh.get_absolute_url()
    urls["andijan workspace"] = andijan.get_absolute_url()
    rebuild(force=True)
    get_client().indices.refresh(index=index.alias_name())
    return {"people": people, "urls": urls, "osh": osh}


def client_for(user):
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


def opens(client, url):
    return client.get(url).status_code == 200


def hit_urls(client):
    found, page = set(), 1
    while True:
        response = client.get("/search/", {"q": WORD, "page": page})
        assert response.status_code == 200
        results = response.context["results"]
        found.update(hit.url for hit in results.hits)
        if page >= results.pages:
            return found, results
        page += 1


@pytest.fixture(params=["elasticsearch", "database"])
def backend(request, settings):
    if request.param == "database":
        settings.ELASTICSEARCH_URL = ""
    return request.param


@pytest.mark.parametrize(
    "person",
    [
        "anonymous",
        "outsider",
        "unverified organisation",
        "network member",
        "office staff",
        "osh owner",
        "osh member",
        "osh observer",
        "andijan owner",
    ],
)
def test_search_shows_exactly_what_the_pages_let_each_person_open(world, backend, person):
    user = world["people"][person]
    client = client_for(user)
    found, results = hit_urls(client)
    assert results.backend == backend

    # No hit the page would refuse (the leak check)...
    for url in found:
        assert opens(client, url), f"{person} was shown {url} but may not open it"
    # ...and nothing the person may open is missing.
    openable = {url for url in world["urls"].values() if opens(client, url)}
    assert openable == found, f"{person}: search {sorted(found)} vs pages {sorted(openable)}"
    assert results.total == len(found)


def test_expected_visibility(world):
    """The comparison above is only meaningful if people really see different things."""
    urls = world["urls"]
    seen = {
        person: {name for name, url in urls.items() if opens(client_for(user), url)}
        for person, user in world["people"].items()
    }
    assert seen["anonymous"] == set()
    assert seen["outsider"] == set()
    assert seen["office staff"] == set()
    assert seen["network coordinator"] == {"osh shared report"}
    assert seen["network member"] == {"osh shared report"}
    assert "osh draft report" in seen["osh observer"]
    assert "andijan report" not in seen["osh owner"]
    assert seen["andijan owner"] >= {"andijan report", "andijan discussion", "andijan file"}
    assert "osh file" not in seen["andijan owner"]


def test_removed_member_no_longer_finds_the_workspace(world):
    member = world["people"]["osh member"]
    client = client_for(member)
    before, _ = hit_urls(client)
    assert world["urls"]["osh discussion"] in before
    remove_membership(world["osh"], member, actor=None)
    after, _ = hit_urls(client)
    assert world["urls"]["osh discussion"] not in after
    # The shared report stays findable: the person is still a network member.
    assert after == {world["urls"]["osh shared report"]}


def test_suggestions_follow_the_same_rule(world):
    outsider = client_for(world["people"]["outsider"])
    member = client_for(world["people"]["osh member"])
    assert outsider.get("/search/suggest/", {"q": WORD[:6]}).json()["suggestions"] == []
    titles = [
        s["title"] for s in member.get("/search/suggest/", {"q": WORD[:6]}).json()["suggestions"]
    ]
    assert any("Osh" in title for title in titles)
    assert not any("Andijan" in title for title in titles)
