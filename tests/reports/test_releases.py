"""Statistics releases resist differencing (issue 10, deliverable 3).

The attack: a manager adds made-up records with a guessed combination (year,
gender, age band, citizenship, country of exploitation), shares them, and reads
the published figures: under the old live statistics a cell reached k exactly
when one real record of another workspace had that combination. Here: the two
neighbouring worlds (with and without that one real record) give published
results an attacker cannot tell apart better than differential privacy allows.
"""

import csv
import io
import math
from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.formats import date_format
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.core.roles import NETWORK_COORDINATORS
from portal.members.models import AuditEvent
from portal.reports import audit_actions as report_actions
from portal.reports import releases, services
from portal.reports.anonymity import ANONYMISED_COLUMNS, QUASI_IDENTIFIERS, anonymise
from portal.reports.exchange import records_rows
from portal.reports.models import CaseRecord, MonitoringReport, ReleaseRow, StatisticsRelease
from portal.reports.statistics import from_release
from tests.api.conftest import bearer, make_token
from tests.factories import UserFactory
from tests.reports.factories import (
    add_cases,
    make_report,
    network_user,
    publish,
    workspace_with_roles,
)
from tests.reports.test_anonymity import RECORD_SETS

pytestmark = pytest.mark.django_db

# The guessed combination of the attack, and the attacked cell: citizenship TJ
# (no other record has it, so it shows exactly the made-up records plus, in
# one world, the victim's).
GUESS = {
    "year_of_registration": 2024,
    "gender": "Female",
    "age_band": "9--17",
    "citizenship": "TJ",
    "country_of_exploitation": "KZ",
}
K = 11


def bayes_accuracy(outcomes_without, outcomes_with):
    """How often the best attacker, seeing one published outcome, names the
    right world (equal priors), estimated from samples of both worlds."""
    without, with_ = Counter(outcomes_without), Counter(outcomes_with)
    n0, n1 = len(outcomes_without), len(outcomes_with)
    return 0.5 * sum(max(without[o] / n0, with_[o] / n1) for o in set(without) | set(with_))


def rows_of(*reports):
    return list(records_rows(CaseRecord.objects.filter(report__in=reports)))


@pytest.fixture
def attack():
    """The victim's workspace with background records; the attacker (a manager
    acting alone) with ten made-up records of the guessed combination, shared."""
    victim_report = make_report(audience="network")
    add_cases(victim_report, 30)  # background: men from KG in RU
    attacker_workspace, people = workspace_with_roles()
    made_up = make_report(attacker_workspace, audience="network")
    add_cases(made_up, K - 1, **GUESS)
    return victim_report, made_up, attacker_workspace, people


def add_the_victim(victim_report):
    return add_cases(victim_report, 1, **GUESS)[0]


# --- (a) The attack, replayed ------------------------------------------------------


def test_without_noise_the_old_live_statistics_revealed_the_victim(attack):
    """The old method (k-anonymise the whole network, count) as the baseline:
    the attacked cell told the worlds apart every time."""
    victim_report, made_up, *_rest = attack

    def old_cell():
        rows = anonymise(rows_of(victim_report, made_up), K).rows
        count = sum(1 for row in rows if row["citizenship"] == "TJ")
        return count if count >= K else None

    without = old_cell()
    add_the_victim(victim_report)
    assert (without, old_cell()) == (None, 11)
    assert bayes_accuracy([without], [old_cell()]) == 1.0


def test_the_attacked_cell_cannot_tell_whether_the_victim_exists(attack):
    """Sample the published figure of the attacked cell (the mechanism's own
    measurement, as publication draws it) many times in both worlds: the best
    guess is right no more often than e^eps / (1 + e^eps), plus sampling margin."""
    victim_report, made_up, *_rest = attack
    epsilon = releases.default_epsilon()
    world_without = releases.encode_rows(rows_of(victim_report, made_up))
    add_the_victim(victim_report)
    world_with = releases.encode_rows(rows_of(victim_report, made_up))
    query = next(
        i for i, q in enumerate(releases.queries()) if q.table == "citizenship" and not q.code
    )
    cell = releases.queries()[query].categories.index("TJ")
    measurement = releases.query_measurements(epsilon)[query]

    def published(encoded):
        value = measurement(encoded)[cell]
        return value if value >= K else None  # as figures_from_noisy publishes it

    samples = 2500
    without = [published(world_without) for _ in range(samples)]
    with_ = [published(world_with) for _ in range(samples)]
    bound = math.exp(epsilon) / (1 + math.exp(epsilon))
    margin = 0.04  # the plug-in estimate over ~100 outcomes overshoots a little
    accuracy = bayes_accuracy(without, with_)
    assert accuracy <= bound + margin
    # This one cell spends only its share of the budget (eps / 13 queries), so
    # the attacker does barely better than a coin toss.
    share = epsilon / len(releases.queries())
    assert accuracy <= math.exp(share) / (1 + math.exp(share)) + 0.07
    # Both worlds publish the cell and hide it, often: the outcomes overlap.
    for outcomes in (without, with_):
        assert 0.2 < sum(o is None for o in outcomes) / samples < 0.8
    # And the naive rule "published means the victim exists" is a coin toss.
    naive = 0.5 * (sum(o is None for o in without) + sum(o is not None for o in with_)) / samples
    assert naive <= bound + 0.03


def test_publishing_in_both_worlds_gives_the_attacker_nothing_in_their_own_export(attack, client):
    """Publish a release in each world. What the manager can read (the public
    figures and their own workspace's partner export) either is exactly the same
    in both worlds or carries noise drawn once and stored."""
    victim_report, _made_up, attacker_workspace, people = attack
    client.force_login(people["manager"])
    url = f"/workspaces/{attacker_workspace.slug}/reports/export/anonymised.csv"
    first = publish(exact=False)
    export_without = client.get(url).content.decode("utf-8-sig")
    figures_without = from_release(first)
    add_the_victim(victim_report)
    second = publish(exact=False)
    export_with = client.get(url).content.decode("utf-8-sig")
    # Partner rows are anonymised per workspace: ten made-up rows can never be
    # completed by another workspace's record.
    assert export_without == export_with
    assert "TJ" not in export_with
    # The stored noise path: the first release reads back unchanged, reloads
    # never draw new noise.
    assert from_release(StatisticsRelease.objects.get(number=1)) == figures_without
    assert second.parameters["epsilon"] == releases.default_epsilon()
    assert second.parameters["noise_scale"] == pytest.approx(
        releases.noise_scale(releases.default_epsilon())
    )
    assert second.parameters["corridor_threshold"] >= second.parameters["k"]


def test_reloading_a_release_never_draws_new_noise(client):
    add_cases(make_report(audience="network"), 40)
    publish(exact=False)
    pages = {client.get("/statistics/releases/1/statistics.csv").content for _ in range(5)}
    api = {client.get("/api/v1/statistics").content for _ in range(5)}
    assert len(pages) == 1 and len(api) == 1


# --- (b) The mechanism, for random data and random neighbours --------------------


NEIGHBOURS = st.one_of(
    st.tuples(st.just("remove"), st.integers(min_value=0)),
    st.tuples(st.just("add"), RECORD_SETS.map(lambda rows: rows[:1])),
)
EPSILONS = st.sampled_from([0.1, 0.5, 1.0, 2.0, 5.0])
PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def neighbour_of(records, change):
    kind, value = change
    if kind == "remove" and records:
        return records[: value % len(records)] + records[value % len(records) + 1 :]
    if kind == "add" and value:
        return [*records, value[0]]
    return [*records, records[0]] if records else records


@PROPERTY
@given(records=RECORD_SETS, change=NEIGHBOURS, epsilon=EPSILONS, k=st.integers(1, 15))
def test_one_record_more_or_less_moves_each_count_by_at_most_its_sensitivity(
    records, change, epsilon, k
):
    neighbour = neighbour_of(records, change)
    assert abs(len(neighbour) - len(records)) <= 1
    here, there = releases.encode_rows(records), releases.encode_rows(neighbour)
    distance = abs(len(here) - len(there))  # symmetric distance: one record
    for counting in releases.counting_transformations():
        l1 = sum(abs(a - b) for a, b in zip(counting(here), counting(there), strict=True))
        assert l1 <= counting.map(distance) <= 1
    # The composed release: OpenDP's privacy map says one record costs at most epsilon.
    mechanism = releases.build_mechanism(epsilon)
    assert mechanism.map(1) <= epsilon
    assert mechanism.check(1, epsilon)
    # What is published never shows a figure under k and never a negative one.
    total, tables = releases.draw_figures(here, epsilon=epsilon, k=k, mechanism=mechanism)
    assert total is None or total >= k
    for table in tables:
        for published in table["cells"]:
            assert published["count"] is None or published["count"] >= max(k, 0)


@PROPERTY
@given(records=RECORD_SETS)
def test_partner_rows_are_k_anonymous_within_and_across_workspaces(records):
    # Two workspaces: reports 1..25 in one, 26..50 in the other.
    workspace_of_report = {report: 1 if report <= 25 else 2 for report in range(1, 51)}
    released = releases.partner_rows(records, workspace_of_report, K)
    rows = [row for row, _workspace, _report in released]
    combos = Counter(tuple(row[c] for c in QUASI_IDENTIFIERS) for row in rows)
    assert all(count >= K for count in combos.values())
    for workspace in (1, 2):
        own = [row for row, ws, _report in released if ws == workspace]
        alone = anonymise(
            [r for r in records if workspace_of_report[r["reportId"]] == workspace], K
        )
        # A workspace's rows depend on that workspace's records alone.
        assert Counter(map(_key, own)) == Counter(map(_key, alone.rows))
    assert rows == sorted(rows, key=_key)  # one global order: says nothing about origin


def _key(row):
    return tuple(str(row[c]) for c in ANONYMISED_COLUMNS)


def test_a_release_budget_must_be_a_positive_number():
    for bad in (0, -1, float("nan"), float("inf")):
        with pytest.raises(ValueError):
            releases.build_mechanism(bad)
    with pytest.raises(CommandError):
        call_command("publish_release", "--epsilon=-1", stdout=io.StringIO())
    assert not StatisticsRelease.objects.exists()


# --- (c) Releases are kept, listed and served as published ----------------------


@pytest.fixture
def shared():
    report = make_report(audience="network")
    add_cases(report, 14)
    add_cases(report, 12, gender="Female", country_of_exploitation="TR")
    return report


def test_a_release_is_not_changed_by_later_edits_or_withdrawing(client, shared):
    publish()
    before = client.get("/statistics/releases/1/statistics.csv").content
    partner_before = releases.released_rows(StatisticsRelease.objects.get(number=1))
    CaseRecord.objects.filter(report=shared).update(gender="Unknown")
    services.withdraw_report(shared, actor=None)
    add_cases(make_report(audience="network"), 20, citizenship="UZ")
    assert client.get("/statistics/releases/1/statistics.csv").content == before
    assert client.get("/statistics/statistics.csv").content == before  # still the latest
    assert releases.released_rows(StatisticsRelease.objects.get(number=1)) == partner_before
    publish()
    assert client.get("/statistics/releases/1/statistics.csv").content == before
    assert client.get("/statistics/statistics.csv").content != before


def test_the_list_of_releases_shows_each_with_its_date(client, shared):
    publish()
    publish()
    html = client.get("/statistics/releases/").content.decode()
    for release in StatisticsRelease.objects.all():
        assert f'href="/statistics/releases/{release.number}/"' in html
        local = timezone.localtime(release.published_at)
        assert f'datetime="{local.isoformat()}"' in html
        assert date_format(local, "DATE_FORMAT") in html
        assert f"/statistics/releases/{release.number}/statistics.csv" in html
    page = client.get("/statistics/releases/1/").content.decode()
    assert "Release 1, published on" in page and "See the latest release" in page
    latest = client.get("/statistics/").content.decode()
    assert "Release 2, published on" in latest and "See the latest release" not in latest


def test_the_api_serves_the_latest_release_or_the_one_asked_for(client, shared):
    first = publish()
    services.withdraw_report(shared, actor=None)
    second = publish()
    latest = client.get("/api/v1/statistics")
    assert latest["X-Statistics-Release"] == "2"
    assert latest.json()["release"]["number"] == 2 and latest.json()["total"] is None
    older = client.get("/api/v1/statistics", {"release": 1})
    assert older.json()["release"]["number"] == 1 and older.json()["total"] == first.total == 26
    assert older.json()["release"]["published_at"].startswith(str(first.published_at.date()))
    assert second.total is None
    for bad, status in (("999", 404), ("0", 422), ("abc", 422), ("9" * 30, 422)):
        response = client.get("/api/v1/statistics", {"release": bad})
        assert response.status_code == status, bad
    assert client.get("/api/v1/statistics", {"release": 999}).json()["detail"] == (
        "No such statistics release."
    )
    for url in ("/statistics/releases/999/", "/statistics/releases/99999999999999/"):
        assert client.get(url).status_code == 404


def test_the_partner_json_and_csv_give_the_same_rows_of_the_latest_release(client, shared):
    publish()
    services.withdraw_report(shared, actor=None)
    add_cases(make_report(audience="network"), 12, citizenship="UZ")
    release = publish()
    _token, raw = make_token()
    data = client.get("/api/v1/cases/anonymised", **bearer(raw)).json()
    response = client.get("/api/v1/cases/anonymised.csv", **bearer(raw))
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    expected = releases.released_rows(release)
    assert data["release"]["number"] == 2 and len(expected) == 12
    assert data["rows"] == [{c: row[c] for c in ANONYMISED_COLUMNS} for row in expected]
    assert table == [{c: str(row[c]) for c in ANONYMISED_COLUMNS} for row in expected]
    older = client.get("/api/v1/cases/anonymised", {"release": 1}, **bearer(raw)).json()
    assert older["records"] == 26 and {r["citizenship"] for r in older["rows"]} == {"KG"}


def test_before_any_release_the_api_says_none_is_published(client, shared):
    response = client.get("/api/v1/statistics")
    assert response.status_code == 404
    assert response.json()["detail"] == "No statistics release has been published yet."
    _token, raw = make_token()
    assert client.get("/api/v1/cases/anonymised", **bearer(raw)).status_code == 404
    assert client.get("/api/v1/cases/anonymised.csv", **bearer(raw)).status_code == 404
    assert not AuditEvent.objects.filter(action=report_actions.REPORT_EXPORTED).exists()


def test_the_publish_command_reports_its_progress(shared):
    out = io.StringIO()
    call_command("publish_release", stdout=out)
    text = out.getvalue()
    assert "Snapshot: 26 case records" in text and "Partner rows: 26" in text
    assert "Release 1 published" in text
    release = StatisticsRelease.objects.get()
    assert release.parameters["k"] == 11 and release.parameters["opendp"]
    assert release.rows.count() == 26


# --- (d) The workspace's "for partners" export is its share of the release --------


@pytest.fixture
def two_workspaces():
    first, people = workspace_with_roles()
    shared_first = make_report(first, audience="network")
    add_cases(shared_first, 13, gender="Female", citizenship="UZ")
    add_cases(shared_first, 2, citizenship="TJ")  # too rare: left out
    draft = make_report(first)  # a draft, never reviewed: never leaves
    add_cases(draft, 15, citizenship="KR", country_of_exploitation="KR")
    unshared = make_report(first, status="reviewed")  # reviewed, not shared
    add_cases(unshared, 15, citizenship="AE")
    second = make_report(audience="network")
    add_cases(second, 12)
    return first, people, second.workspace


def export_rows(client, workspace, fmt="csv", report=None):
    url = f"/workspaces/{workspace.slug}/reports/export/anonymised.{fmt}"
    response = client.get(url, {"report": report.pk} if report else {})
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_for_partners_export_is_exactly_the_workspaces_rows_of_the_latest_release(
    client, two_workspaces
):
    first, people, second = two_workspaces
    release = publish()
    client.force_login(people["member"])
    exported = export_rows(client, first)
    expected = releases.released_rows(release, workspace=first)
    assert exported == [{c: str(row[c]) for c in ANONYMISED_COLUMNS} for row in expected]
    assert len(exported) == 13
    # ...which is what the partner API gives for that workspace: the partner rows
    # are exactly the two workspaces' exports together.
    _token, raw = make_token()
    partner = client.get("/api/v1/cases/anonymised.csv", **bearer(raw))
    partner_rows = list(csv.DictReader(io.StringIO(partner.content.decode("utf-8-sig"))))
    other = [{c: str(row[c]) for c in ANONYMISED_COLUMNS} for row in
             releases.released_rows(release, workspace=second)]  # fmt: skip
    assert Counter(map(_key, partner_rows)) == Counter(map(_key, exported + other))


def test_draft_and_unshared_reports_never_reach_the_for_partners_export(client, two_workspaces):
    first, people, _second = two_workspaces
    publish()
    client.force_login(people["member"])
    exported = export_rows(client, first)
    assert not {"KR", "AE"} & {row["citizenship"] for row in exported}
    draft = MonitoringReport.objects.get(workspace=first, status="draft")
    assert export_rows(client, first, report=draft) == []
    # Sharing later changes nothing until the next release.
    services.submit_report(draft, actor=people["owner"])
    services.review_report(draft, actor=people["manager"])  # a second person
    services.share_report(draft, actor=people["manager"])
    assert export_rows(client, first) == exported
    publish()
    assert {row["citizenship"] for row in export_rows(client, first)} == {"UZ", "KR"}
    json_doc = client.get(f"/workspaces/{first.slug}/reports/export/anonymised.json").json()
    assert json_doc["release"] == 2 and json_doc["anonymised"] is True


def test_before_any_release_the_for_partners_export_says_so(client, two_workspaces):
    first, people, _second = two_workspaces
    client.force_login(people["member"])
    response = client.get(f"/workspaces/{first.slug}/reports/export/anonymised.csv")
    assert response.status_code == 404
    assert "attachment" not in response.get("Content-Disposition", "")
    assert "No statistics release has been published yet" in response.content.decode()
    assert not AuditEvent.objects.filter(action=report_actions.REPORT_EXPORTED).exists()


# --- (e) From the attacker's side -------------------------------------------------


def coordinator():
    user = network_user()
    user.groups.add(Group.objects.get_or_create(name=NETWORK_COORDINATORS)[0])
    return user


def test_a_network_coordinator_publishes_a_release_from_the_page(client, shared):
    person = coordinator()
    client.force_login(person)
    assert 'href="/statistics/releases/publish/"' in client.get("/statistics/").content.decode()
    page = client.get("/statistics/releases/publish/")
    assert page.status_code == 200 and "No release has been published yet" in page.content.decode()
    response = client.post("/statistics/releases/publish/")
    assert response.status_code == 302 and response.url == "/statistics/releases/1/"
    release = StatisticsRelease.objects.get()
    assert release.published_by == person
    event = AuditEvent.objects.get(action=report_actions.STATISTICS_RELEASED)
    assert event.actor == person and event.details["number"] == 1


def test_releases_are_kept_apart_so_the_budget_is_not_spent_by_a_second_click(
    client, shared, settings
):
    """Each release spends epsilon again: a second click, a second coordinator
    or a timer firing too often publishes nothing inside the minimum interval."""
    settings.PORTAL_STATISTICS_MIN_INTERVAL_DAYS = 28
    client.force_login(coordinator())
    assert client.post("/statistics/releases/publish/").status_code == 302
    again = client.post("/statistics/releases/publish/")
    assert again.status_code == 409
    assert "the next one can be published after" in again.content.decode()
    assert "<form" not in again.content.decode().split("<main", 1)[1].split("</main>")[0]
    with pytest.raises(CommandError, match="--force"):
        call_command("publish_release", stdout=io.StringIO())
    assert StatisticsRelease.objects.count() == 1
    call_command("publish_release", "--force", stdout=io.StringIO())  # the office's call
    assert StatisticsRelease.objects.count() == 2
    StatisticsRelease.objects.update(published_at=timezone.now() - timedelta(days=29))
    assert client.post("/statistics/releases/publish/").status_code == 302
    assert StatisticsRelease.objects.count() == 3


def test_nobody_else_can_publish_a_release(client, shared):
    workspace, people = workspace_with_roles()
    url = "/statistics/releases/publish/"
    response = client.post(url)  # anonymous
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    for person in (people["owner"], people["manager"], network_user(), UserFactory()):
        client.force_login(person)
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
        assert (
            'href="/statistics/releases/publish/"'
            not in client.get("/statistics/").content.decode()
        )
    client.logout()
    # A partner token opens no page, and the API has no way to publish at all.
    _token, raw = make_token()
    assert client.post(url, **bearer(raw)).status_code == 302
    schema = client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        if "statistics" in path or "anonymised" in path or "release" in path:
            assert set(operations) == {"get"}, path
    assert not StatisticsRelease.objects.exists()
    assert not AuditEvent.objects.filter(action=report_actions.STATISTICS_RELEASED).exists()


def test_nobody_sees_which_workspace_a_released_row_came_from(client, two_workspaces):
    first, people, second = two_workspaces
    release = publish()
    assert ReleaseRow.objects.filter(release=release, workspace=first).exists()  # internal
    _token, raw = make_token()
    client.force_login(people["owner"])
    surfaces = [
        client.get("/statistics/").content,
        client.get("/statistics/releases/").content,
        client.get("/statistics/releases/1/").content,
        client.get("/statistics/releases/1/statistics.csv").content,
        client.get("/api/v1/statistics").content,
        client.get("/api/v1/cases/anonymised", **bearer(raw)).content,
        client.get("/api/v1/cases/anonymised.csv", **bearer(raw)).content,
        client.get(f"/workspaces/{first.slug}/reports/export/anonymised.json").content,
    ]
    data = client.get("/api/v1/cases/anonymised", **bearer(raw)).json()
    assert all(set(row) == set(ANONYMISED_COLUMNS) for row in data["rows"])
    for content in surfaces:
        text = content.decode("utf-8-sig")
        assert releases.ORIGIN not in text and "workspace_id" not in text
        assert second.slug not in text
        assert f'"workspace": {second.pk}' not in text and '"report": ' not in text


def test_a_shared_records_row_is_published_once_with_its_origin_kept_internally(shared):
    release = publish()
    stored = list(ReleaseRow.objects.filter(release=release).order_by("position"))
    assert {row.workspace_id for row in stored} == {shared.workspace_id}
    assert {row.report_id for row in stored} == {shared.pk}
    assert [row.data for row in stored] == releases.released_rows(release)
    assert all(set(row.data) == set(ANONYMISED_COLUMNS) for row in stored)  # no ids
