"""Elasticsearch down or absent: edits wait in the queue and nothing is lost;
searches answer from the database mirror with the same audience rule."""

import socket
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from portal.core.audience import NETWORK, PUBLIC, workspace_token
from portal.search import db_search, index, queue
from portal.search.client import circuit, get_client
from portal.search.models import PendingIndexOperation, SearchRecord
from portal.search.registry import SearchEntry
from portal.search.results import SearchParams
from tests.factories import OrganisationFactory, UserFactory, add_member, make_workspace

from .forwarder import Forwarder

pytestmark = pytest.mark.django_db


@pytest.fixture
def forwarder(settings, es_prefix):
    """Elasticsearch reached through a forwarder the test can cut."""
    proxy = Forwarder().start()
    settings.ELASTICSEARCH_URL = proxy.url
    index.ensure_index()
    yield proxy
    proxy.stop()


def note_doc(workspace):
    response = (
        get_client()
        .options(ignore_status=404)
        .get(index=index.alias_name(), id=f"note-{workspace.pk}")
    )
    return response.get("_source") if response.get("found") else None


def test_queue_survives_an_outage_and_sync_applies_the_edit(
    client, settings, forwarder, test_sources, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workspace = make_workspace(name="Before the outage")
    assert note_doc(workspace)["title"] == "Before the outage"

    forwarder.stop()  # connections are now refused
    with django_capture_on_commit_callbacks(execute=True):
        workspace.name = "Edited during the outage"
        workspace.save()

    row = PendingIndexOperation.objects.get(kind="note", object_id=str(workspace.pk))
    assert row.attempts == 1
    assert "Connection" in row.last_error
    assert row.next_attempt_at > timezone.now()
    # The mirror already has the edit, so the fallback search is current.
    assert SearchRecord.objects.get(doc_id=f"note-{workspace.pk}").title == (
        "Edited during the outage"
    )
    # The worker finds nothing due yet (backoff), and nothing is lost.
    assert queue.drain().done == 0
    assert PendingIndexOperation.objects.filter(pk=row.pk).exists()

    forwarder.start()
    circuit.reset()
    out = StringIO()
    call_command("search_index", "sync", stdout=out)
    assert "1 applied, 0 failed" in out.getvalue()
    assert not PendingIndexOperation.objects.exists()
    index.refresh()
    assert note_doc(workspace)["title"] == "Edited during the outage"

    client.force_login(workspace.memberships.get().user)
    response = client.get("/search/", {"q": "outage"})
    assert response.context["results"].backend == "elasticsearch"
    assert [h.title for h in response.context["results"].hits] == ["Edited during the outage"]


def test_after_an_outage_the_database_answers_until_the_index_has_caught_up(
    client, forwarder, test_sources, django_capture_on_commit_callbacks
):
    """A workspace archived during the outage is still in the index when
    Elasticsearch returns (its removal waits in the queue, backing off): the
    search must not show it in the meantime."""
    with django_capture_on_commit_callbacks(execute=True):
        workspace = make_workspace(name="Outage shelter")
    member = workspace.memberships.get().user
    forwarder.stop()
    with django_capture_on_commit_callbacks(execute=True):
        workspace.archived_at = timezone.now()
        workspace.save()
    forwarder.start()
    circuit.reset()
    assert note_doc(workspace)["title"] == "Outage shelter"  # the index is behind

    client.force_login(member)
    response = client.get("/search/", {"q": "outage"})
    assert response.context["results"].backend == "database"
    assert response.context["results"].hits == []
    assert b"reduced mode" in response.content

    call_command("search_index", "sync", stdout=StringIO())
    index.refresh()  # searches see the removal after a refresh (about a second)
    response = client.get("/search/", {"q": "outage"})
    assert response.context["results"].backend == "elasticsearch"
    assert response.context["results"].hits == []


def test_retries_back_off_exponentially_while_elasticsearch_is_down(
    settings, forwarder, test_sources
):
    workspace = make_workspace(name="Waiting")
    forwarder.stop()
    delays = []
    for _ in range(3):
        PendingIndexOperation.objects.update(next_attempt_at=timezone.now())
        queue.drain()
        row = PendingIndexOperation.objects.get(kind="note", object_id=str(workspace.pk))
        delays.append((row.next_attempt_at - timezone.now()).total_seconds())
    assert row.attempts == 3
    assert delays[0] < delays[1] < delays[2]
    assert delays[2] <= settings.SEARCH_RETRY_MAX_DELAY


def test_sync_reports_failure_and_keeps_rows_when_elasticsearch_is_down(forwarder, test_sources):
    make_workspace(name="Stuck")
    forwarder.stop()
    with pytest.raises(Exception, match="stay queued"):
        call_command("search_index", "sync", stdout=StringIO(), stderr=StringIO())
    assert PendingIndexOperation.objects.count() == 1


def test_worker_once_applies_due_rows(forwarder, test_sources):
    workspace = make_workspace(name="For the worker")
    call_command("search_index", "worker", "--once", stdout=StringIO())
    assert not PendingIndexOperation.objects.exists()
    index.refresh()
    assert note_doc(workspace)["title"] == "For the worker"


@pytest.fixture
def people():
    osh = make_workspace(slug="osh", name="Osh")
    other = make_workspace(slug="other", name="Other")
    return {
        "osh": osh,
        "member": add_member(osh, UserFactory(organisation=OrganisationFactory(verified=True))),
        "other": add_member(other, UserFactory(organisation=OrganisationFactory(verified=True))),
        "docs": [
            SearchEntry(
                kind="note",
                object_id="1",
                title="Public shelter list",
                url="/1/",
                audiences=(PUBLIC,),
                countries=("KG",),
            ),
            SearchEntry(
                kind="note",
                object_id="2",
                title="Network shelter review",
                url="/2/",
                audiences=(NETWORK,),
                countries=("TJ",),
            ),
            SearchEntry(
                kind="note",
                object_id="3",
                title="Osh shelter <script>x</script> cases",
                url="/3/",
                audiences=(workspace_token(osh),),
                countries=("KG",),
                body="Restricted case group & notes",
            ),
        ],
    }


def _fallback_checks(client, people):
    anonymous = client.get("/search/", {"q": "shelter"})
    assert anonymous.status_code == 200
    results = anonymous.context["results"]
    assert results.backend == "database"
    assert b"reduced mode" in anonymous.content
    assert [h.title for h in results.hits] == ["Public shelter list"]
    assert {v.value: v.count for v in results.facets["country"]} == {"KG": 1}

    client.force_login(people["other"])
    other = client.get("/search/", {"q": "shelter"}).context["results"]
    assert {h.title for h in other.hits} == {"Public shelter list", "Network shelter review"}
    assert other.total == 2

    client.force_login(people["member"])
    member = client.get("/search/", {"q": "shelter cases"})
    assert [h.title for h in member.context["results"].hits] == [
        "Osh shelter <script>x</script> cases"
    ]
    assert b"<script>x" not in member.content
    assert "<mark>" in member.context["results"].hits[0].title_html

    suggestions = client.get("/search/suggest/", {"q": "osh"}).json()["suggestions"]
    assert [s["title"] for s in suggestions] == ["Osh shelter <script>x</script> cases"]
    client.logout()
    assert client.get("/search/suggest/", {"q": "osh"}).json()["suggestions"] == []


def test_fallback_when_elasticsearch_is_not_configured(client, settings, test_sources, people):
    settings.ELASTICSEARCH_URL = ""
    queue.index_entries(people["docs"])
    _fallback_checks(client, people)


def test_fallback_when_elasticsearch_refuses_connections(
    client, settings, forwarder, test_sources, people, caplog
):
    queue.index_entries(people["docs"], refresh=True)
    forwarder.stop()
    _fallback_checks(client, people)
    assert "using the database fallback" in caplog.text


@pytest.fixture
def black_hole(settings, es_prefix):
    """A port that accepts connections and never answers: a hung node."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


def test_fallback_when_elasticsearch_times_out(client, settings, test_sources, people, black_hole):
    settings.ELASTICSEARCH_URL = ""
    queue.index_entries(people["docs"])  # the mirror only
    settings.ELASTICSEARCH_URL = black_hole
    settings.SEARCH_QUERY_TIMEOUT = 0.5
    response = client.get("/search/", {"q": "shelter"})
    assert response.status_code == 200
    assert response.context["results"].backend == "database"
    assert [h.title for h in response.context["results"].hits] == ["Public shelter list"]
    # Within the next seconds the broken node is not asked again.
    assert circuit.is_open()


def test_portable_fallback_strategy_applies_the_same_rule(settings, test_sources, people):
    """The SQLite demo's matching (LIKE), exercised on PostgreSQL."""
    settings.ELASTICSEARCH_URL = ""
    queue.index_entries(people["docs"])
    tokens = {PUBLIC, workspace_token(people["osh"])}
    results = db_search.search(SearchParams(q="SHELTER"), tokens, strategy="portable")
    assert {h.title for h in results.hits} == {
        "Public shelter list",
        "Osh shelter <script>x</script> cases",
    }
    assert results.total == 2
    assert {v.value: v.count for v in results.facets["country"]} == {"KG": 2}
    osh = next(h for h in results.hits if h.object_id == "3")
    assert "&lt;script&gt;" in osh.title_html
    assert "<mark>shelter</mark>" in osh.title_html
    public_only = db_search.search(SearchParams(q="cases"), {PUBLIC}, strategy="portable")
    assert public_only.total == 0


def _seqscan():
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        return cursor.fetchone()[0]


@pytest.mark.parametrize("before", ["on", "off"])
def test_the_fallback_puts_the_planner_back_as_it_found_it(settings, test_sources, people, before):
    """The fallback's search statement is planned without sequential scans (a
    common word made PostgreSQL read and decompress every record); whatever
    runs after it in the same request plans as it would have."""
    settings.ELASTICSEARCH_URL = ""
    queue.index_entries(people["docs"])
    with connection.cursor() as cursor:
        cursor.execute(f"SET enable_seqscan = {before}")
    try:
        results = db_search.search(SearchParams(q="shelter"), {PUBLIC, NETWORK})
        assert {h.title for h in results.hits} == {"Public shelter list", "Network shelter review"}
        assert _seqscan() == before
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("she", {"Public shelter list", "Network shelter review"}),
        ("public shel", {"Public shelter list"}),
        # Only a member of the Osh workspace may see its title.
        ("osh", set()),
        ("osh shelt", set()),
    ],
)
def test_the_fallback_autocomplete_reads_the_title_index(
    settings, test_sources, people, typed, expected
):
    """The autocomplete's statement matches the expression of the title-stems
    index (migration 0004): PostgreSQL can answer it from that index. Were
    the two to drift apart, every keystroke during an outage would open the
    whole vector of each record holding a word that starts with the typed
    letters. (With three records the planner would rather look records up
    one by one from the audience rows, so the other ways are ruled out
    here.) What it offers still follows the audience rule."""
    settings.ELASTICSEARCH_URL = ""
    queue.index_entries(people["docs"])
    tokens = {PUBLIC, NETWORK}
    records = db_search.suggestion_records(typed, tokens)
    with transaction.atomic(), connection.cursor() as cursor:
        for way in ("seqscan", "indexscan", "nestloop"):
            cursor.execute(f"SET LOCAL enable_{way} = off")
        plan = records.explain()
    assert "search_record_title_stems_gin" in plan, plan
    assert {s["title"] for s in db_search.suggest(typed, tokens, 8)} == expected
    member = {PUBLIC, NETWORK, workspace_token(people["osh"])}
    if typed.startswith("osh"):
        assert [s["title"] for s in db_search.suggest(typed, member, 8)] == [
            "Osh shelter <script>x</script> cases"
        ]
