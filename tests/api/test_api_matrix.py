"""The API permission matrix: every route of /api/v1/ (read from the NinjaAPI
object, so a new endpoint cannot be forgotten) against every kind of caller.

Two checks per route and caller:
- ``EXPECTATIONS``: the status each caller gets, written out by hand, so a
  change of rule shows up as a diff a reviewer reads;
- ``SAME_AS_WEB``: the route's action in portal.reports.policy and the web
  pages that do the same thing; the API, the web and the policy must give the
  same answer (allowed or refused), and where figures are shown, the same
  figures (exact, or "fewer than k").
A route missing from either dictionary fails the suite.
"""

import datetime
import json
import re
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from portal.api.api import api
from portal.api.models import Scope
from portal.exchange.models import Agreement, Tier
from portal.members.audience import is_network_member
from portal.members.models import Workspace
from portal.referrals import lifecycle
from portal.referrals.policy import can_refer, referral_access
from portal.reports.policy import (
    EXACT_TOTALS,
    READ_CASE_ROWS,
    VIEW_TOTALS,
    report_access,
    workspace_case_access,
)
from tests.api.conftest import bearer, make_token
from tests.conftest import module_data
from tests.factories import UserFactory, add_member, make_workspace
from tests.referrals.builders import CONSENT_ALL, make_provider
from tests.reports.factories import add_cases, make_report, network_user, publish

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "token_made_up",
    "token_without_scope",
    "token_expired",
    "token_revoked",
    "token_valid",
    "outsider",
    "network_reader",
    "other_workspace_member",
    "observer",
    "member",
    "manager",
    "owner",
    "superuser",
)
TOKENS = tuple(role for role in ROLES if role.startswith("token_"))
SESSIONS = (
    "outsider",
    "network_reader",
    "other_workspace_member",
    "observer",
    "member",
    "manager",
    "owner",
    "superuser",
)
WORKSPACE_PEOPLE = ("observer", "member", "manager", "owner", "superuser")
ROW_READERS = ("member", "manager", "owner", "superuser")


def everyone(status):
    return dict.fromkeys(ROLES, status)


PUBLIC = everyone(200)
PARTNER = {
    **everyone(401),
    "token_without_scope": 403,
    "token_valid": 200,
}
MEMBERS_OWN_LIST = {**everyone(401), **dict.fromkeys(SESSIONS, 200)}
WORKSPACE_ONLY = {
    **everyone(401),
    "outsider": 404,
    "network_reader": 404,
    "other_workspace_member": 404,
    **dict.fromkeys(WORKSPACE_PEOPLE, 200),
}
NETWORK_READERS = ("network_reader", "other_workspace_member")
# Observers are read-only: the report and its totals, never its rows.
ROWS = {**WORKSPACE_ONLY, "observer": 403}
NETWORK_LIST = {**MEMBERS_OWN_LIST, "outsider": 403}
# A referral from the workspace (its case workers: member, manager, owner)
# to the other workspace (whose member receives it). Everyone else, observers
# included, may not learn it exists: 404, as for a made-up id. The superuser
# is a case worker of every workspace, so of both sides.
SENDERS = ("member", "manager", "owner", "superuser")
REFERRAL_NOBODY = {
    **everyone(401),
    **dict.fromkeys(("outsider", "network_reader", "observer"), 404),
}
REFERRAL_SIDES = {
    **REFERRAL_NOBODY,
    **dict.fromkeys((*SENDERS, "other_workspace_member"), 200),
}
SENDER_ACTS = {**REFERRAL_SIDES, "other_workspace_member": 403}
RECIPIENT_ACTS = {**REFERRAL_SIDES, **dict.fromkeys(("member", "manager", "owner"), 403)}
REFER = {
    **everyone(401),
    **dict.fromkeys(("outsider", "network_reader", "other_workspace_member"), 404),
    "observer": 403,  # sees the case's workspace, may not refer
    **dict.fromkeys(SENDERS, 201),
}
CREATED_BY_SIDES = {**REFERRAL_SIDES, **dict.fromkeys((*SENDERS, "other_workspace_member"), 201)}

# (method, path) -> {variant: (path parameters from the fixture, expected status per role)}
EXPECTATIONS = {
    ("get", "/api/v1/statistics"): {"": ({}, PUBLIC)},
    ("get", "/api/v1/statistics/corridors"): {"": ({}, PUBLIC)},
    ("get", "/api/v1/cases/anonymised"): {"": ({}, PARTNER)},
    ("get", "/api/v1/cases/anonymised.csv"): {"": ({}, PARTNER)},
    ("get", "/api/v1/workspaces"): {"": ({}, MEMBERS_OWN_LIST)},
    ("get", "/api/v1/workspaces/{slug}/reports"): {"": ("workspace", WORKSPACE_ONLY)},
    ("get", "/api/v1/workspaces/{slug}/reports/{report_id}"): {
        "workspace report": ("workspace_report", WORKSPACE_ONLY),
        # Network members (in another workspace or none) read shared reports.
        "shared report": (
            "shared_report",
            {**WORKSPACE_ONLY, **dict.fromkeys(NETWORK_READERS, 200)},
        ),
    },
    ("get", "/api/v1/workspaces/{slug}/reports/{report_id}/cases"): {
        "workspace report": ("workspace_report", ROWS),
        # ...but never a shared report's rows.
        "shared report": ("shared_report", {**ROWS, **dict.fromkeys(NETWORK_READERS, 403)}),
    },
    ("get", "/api/v1/network/reports"): {"": ({}, NETWORK_LIST)},
    # The valid token also holds an agreement in force (tests/exchange covers
    # expired, ended and missing agreements, and what each document holds).
    ("get", "/api/v1/exchange/agreement"): {"": ({}, PARTNER)},
    ("get", "/api/v1/exchange/feed"): {"": ({}, PARTNER)},
    ("get", "/api/v1/exchange/releases/{number}/{version}"): {"": ("release", PARTNER)},
    ("get", "/api/v1/exchange/releases/{number}/{version}/{name}.csv"): {
        "": ("release_csv", PARTNER)
    },
    # No caller identity: a pushed document authenticates itself by its
    # signature. This portal follows no other, so every push is refused unread,
    # for everyone alike (tests/exchange/test_receiving.py: documents).
    ("post", "/api/v1/exchange/inbox"): {"": ({}, everyone(403))},
    # Referrals (portal/referrals/api.py; tests/referrals/test_api.py covers
    # revoked and declined referrals, statuses and bodies).
    ("get", "/api/v1/referrals"): {"": ({}, MEMBERS_OWN_LIST)},
    ("post", "/api/v1/referrals"): {"": ("refer", REFER)},
    ("get", "/api/v1/referrals/{referral_id}"): {"": ("pending", REFERRAL_SIDES)},
    ("patch", "/api/v1/referrals/{referral_id}"): {"": ("edit", SENDER_ACTS)},
    ("post", "/api/v1/referrals/{referral_id}/accept"): {"": ("pending", RECIPIENT_ACTS)},
    ("post", "/api/v1/referrals/{referral_id}/decline"): {"": ("decline", RECIPIENT_ACTS)},
    ("post", "/api/v1/referrals/{referral_id}/revoke"): {"": ("revoke", SENDER_ACTS)},
    ("post", "/api/v1/referrals/{referral_id}/close"): {"": ("close", RECIPIENT_ACTS)},
    ("get", "/api/v1/referrals/{referral_id}/messages"): {"": ("pending", REFERRAL_SIDES)},
    ("post", "/api/v1/referrals/{referral_id}/messages"): {"": ("message", CREATED_BY_SIDES)},
    ("get", "/api/v1/referrals/{referral_id}/steps"): {"": ("accepted", REFERRAL_SIDES)},
    ("post", "/api/v1/referrals/{referral_id}/steps"): {"": ("step", CREATED_BY_SIDES)},
}


# --- The same action on the web ----------------------------------------------------


@dataclass(frozen=True)
class SameAsWeb:
    """An API route, the policy question it asks, and the web pages that ask it too.

    ``policy(world, user, params)`` answers allowed/refused from the policy
    functions (not from either surface); ``web`` lists (path template, how to
    read the page's answer) for the web's side of the same action.
    """

    policy: object
    web: tuple = ()
    partner_only: bool = False  # token callers; no web page takes a token


def _signed_in(world, user, params):
    return user.is_authenticated


def _opens_workspace(world, user, params):
    return Workspace.objects.for_user(user).filter(slug=params["slug"]).exists()


def _report_allows(action):
    def policy(world, user, params):
        return report_access(user, world.reports[params["report_id"]]).allows(action)

    return policy


def _network(world, user, params):
    return is_network_member(user)


def _always(world, user, params):
    return True


def _never(world, user, params):
    return False


def _referral_allows(action):
    def policy(world, user, params):
        return getattr(referral_access(user, world.referrals[params["referral_id"]]), action)

    return policy


def _refers(world, user, params):
    return bool(can_refer(user, world.case))


# How a web response answers "allowed?": a 200 page; for the report page, a
# page that also shows the case-row table (the rows are what the route gives).
def page_opens(response):
    return response.status_code == 200


def page_shows_case_rows(response):
    return response.status_code == 200 and 'class="cases table-stack"' in response.content.decode()


def file_downloads(response):
    return response.status_code == 200 and response.get("Content-Disposition", "").startswith(
        "attachment"
    )


REPORT_PAGE = "/workspaces/{slug}/reports/{report_id}/"
SAME_AS_WEB = {
    ("get", "/api/v1/statistics"): SameAsWeb(_always, (("/statistics/", page_opens),)),
    ("get", "/api/v1/statistics/corridors"): SameAsWeb(
        _always,
        (("/statistics/corridors/", page_opens), ("/statistics/corridors.csv", file_downloads)),
    ),
    ("get", "/api/v1/cases/anonymised"): SameAsWeb(None, partner_only=True),
    ("get", "/api/v1/cases/anonymised.csv"): SameAsWeb(None, partner_only=True),
    ("get", "/api/v1/workspaces"): SameAsWeb(_signed_in, (("/workspaces/", page_opens),)),
    ("get", "/api/v1/workspaces/{slug}/reports"): SameAsWeb(
        _opens_workspace, (("/workspaces/{slug}/reports/", page_opens),)
    ),
    ("get", "/api/v1/workspaces/{slug}/reports/{report_id}"): SameAsWeb(
        _report_allows(VIEW_TOTALS), ((REPORT_PAGE, page_opens),)
    ),
    ("get", "/api/v1/workspaces/{slug}/reports/{report_id}/cases"): SameAsWeb(
        _report_allows(READ_CASE_ROWS),
        (
            (REPORT_PAGE, page_shows_case_rows),
            ("/workspaces/{slug}/reports/export/records.csv?report={report_id}", file_downloads),
            ("/workspaces/{slug}/reports/export/records.json?report={report_id}", file_downloads),
        ),
    ),
    ("get", "/api/v1/network/reports"): SameAsWeb(_network, (("/network/reports/", page_opens),)),
    ("get", "/api/v1/exchange/agreement"): SameAsWeb(None, partner_only=True),
    ("get", "/api/v1/exchange/feed"): SameAsWeb(None, partner_only=True),
    ("get", "/api/v1/exchange/releases/{number}/{version}"): SameAsWeb(None, partner_only=True),
    ("get", "/api/v1/exchange/releases/{number}/{version}/{name}.csv"): SameAsWeb(
        None, partner_only=True
    ),
    ("post", "/api/v1/exchange/inbox"): SameAsWeb(_never),
    # The referral pages (/workspaces/<slug>/referrals/…) ask the same policy.
    ("get", "/api/v1/referrals"): SameAsWeb(_signed_in),
    ("post", "/api/v1/referrals"): SameAsWeb(_refers),
    ("get", "/api/v1/referrals/{referral_id}"): SameAsWeb(_referral_allows("view")),
    ("patch", "/api/v1/referrals/{referral_id}"): SameAsWeb(_referral_allows("edit")),
    ("post", "/api/v1/referrals/{referral_id}/accept"): SameAsWeb(_referral_allows("answer")),
    ("post", "/api/v1/referrals/{referral_id}/decline"): SameAsWeb(_referral_allows("answer")),
    ("post", "/api/v1/referrals/{referral_id}/revoke"): SameAsWeb(_referral_allows("revoke")),
    ("post", "/api/v1/referrals/{referral_id}/close"): SameAsWeb(_referral_allows("close")),
    ("get", "/api/v1/referrals/{referral_id}/messages"): SameAsWeb(_referral_allows("view")),
    ("post", "/api/v1/referrals/{referral_id}/messages"): SameAsWeb(_referral_allows("message")),
    ("get", "/api/v1/referrals/{referral_id}/steps"): SameAsWeb(_referral_allows("view")),
    ("post", "/api/v1/referrals/{referral_id}/steps"): SameAsWeb(_referral_allows("step")),
}


def api_routes():
    schema = api.get_openapi_schema()
    return sorted(
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    )


def test_every_api_route_has_expectations_for_every_role():
    routes = api_routes()
    assert routes, "the API has no routes?"
    for name, table in (("EXPECTATIONS", EXPECTATIONS), ("SAME_AS_WEB", SAME_AS_WEB)):
        missing = [route for route in routes if route not in table]
        assert not missing, f"add these routes to {name}: {missing}"
        stale = [route for route in table if route not in routes]
        assert not stale, f"these routes no longer exist, remove them from {name}: {stale}"
    for variants in EXPECTATIONS.values():
        for _params, statuses in variants.values():
            assert set(statuses) == set(ROLES)


# --- The world ---------------------------------------------------------------------


@dataclass
class World:
    callers: dict
    params: dict
    reports: dict  # report id -> report
    referrals: dict = field(default_factory=dict)  # referral id -> referral
    case: object = None  # the case record the referral routes refer


@pytest.fixture(scope="module")
def world(request, django_db_setup, django_db_blocker):
    """Built once for the module: the tests only read it (their own writes, such
    as sessions and audit rows, are rolled back after each test)."""
    with module_data(request, django_db_blocker):
        with django_db_blocker.unblock():
            built = _build_world()
        yield built


def _build_world():
    owner = network_user()
    workspace = make_workspace(owner=owner)
    manager = add_member(workspace, network_user(), "manager")
    member = add_member(workspace, network_user(), "member")
    observer = add_member(workspace, network_user(), "observer")
    other_owner = network_user()
    # Of an organisation: it receives the referrals sent to that organisation.
    other = make_workspace(owner=other_owner, organisation=other_owner.organisation)
    other_member = add_member(other, network_user(), "member")
    # Three records: every figure is a small cell for those without exact totals.
    workspace_report = make_report(workspace, title="Matrix workspace report")
    add_cases(workspace_report, 3)
    # Twelve records, two of them with organ removal: a total that may be shown,
    # and a small cell that may not.
    shared_report = make_report(workspace, audience="network", title="Matrix shared report")
    add_cases(shared_report, 10)
    add_cases(shared_report, 2, is_organ_removal=True)
    release = publish()  # statistics and partner rows are read from a release
    expired, expired_raw = make_token()
    type(expired).objects.filter(pk=expired.pk).update(
        created_at=expired.created_at.replace(year=2020),
        expires_at=expired.created_at.replace(year=2021),
    )
    superuser = UserFactory(is_superuser=True, is_staff=True)
    callers = {
        "anonymous": (AnonymousUser(), {}),
        "token_made_up": (None, bearer("fnp_madeup_" + "x" * 40)),
        "token_without_scope": (None, bearer(make_token(scopes=[Scope.STATISTICS])[1])),
        "token_expired": (None, bearer(expired_raw)),
        "token_revoked": (None, bearer(make_token(revoked=True)[1])),
        "token_valid": (None, bearer(_token_with_agreement())),
        "outsider": (UserFactory(), {}),  # signed in, no workspace, unverified organisation
        "network_reader": (network_user(), {}),  # verified organisation, no workspace
        "other_workspace_member": (other_member, {}),
        "observer": (observer, {}),
        "member": (member, {}),
        "manager": (manager, {}),
        "owner": (owner, {}),
        "superuser": (superuser, {}),
    }
    params = {
        "workspace": {"slug": workspace.slug},
        "workspace_report": {"slug": workspace.slug, "report_id": workspace_report.pk},
        "shared_report": {"slug": workspace.slug, "report_id": shared_report.pk},
        "release": {"number": release.number, "version": 1},
        "release_csv": {"number": release.number, "version": 1, "name": "records"},
    }
    reports = {workspace_report.pk: workspace_report, shared_report.pk: shared_report}
    case, pending, accepted = _referrals(workspace_report, member, other, other_member)
    today = datetime.date.today().isoformat()
    referral_body = {
        "case": case.pk,
        "provider": pending.provider_id,
        "services": ["shelter"],
        "phase": "first_assistance",
        "urgency": "urgent",
        "needs": "Matrix needs: a safe place.",
        "consent": {**CONSENT_ALL, "date": today, "given": None},
    }
    del referral_body["consent"]["given"]
    params.update(
        {
            "refer": {"_body": referral_body},
            "pending": {"referral_id": pending.pk},
            "accepted": {"referral_id": accepted.pk},
            "edit": {"referral_id": pending.pk, "_body": {"urgency": "immediate"}},
            "decline": {"referral_id": pending.pk, "_body": {"reason": "No free places."}},
            "revoke": {"referral_id": pending.pk, "_body": {"reason": "Found another place."}},
            "close": {"referral_id": accepted.pk, "_body": {"outcome": "completed"}},
            "message": {"referral_id": pending.pk, "_body": {"body": "Any news?"}},
            "step": {"referral_id": accepted.pk, "_body": {"kind": "contact", "date": today}},
        }
    )
    referrals = {pending.pk: pending, accepted.pk: accepted}
    return World(callers, params, reports, referrals, case)


def _referrals(report, sender, receiving, recipient):
    """A pending and an accepted referral of one of ``report``'s cases to the
    provider that ``receiving`` answers for."""
    provider = make_provider(
        organisation=receiving.organisation,
        name="",
        services=["shelter"],
        accepts_referrals=True,
        receiving_workspace=receiving,
    )
    case = report.cases.order_by("pk").first()

    def send():
        return lifecycle.send(
            sender,
            case,
            provider,
            lifecycle.Request(
                services=("shelter",),
                phase="first_assistance",
                urgency="urgent",
                needs="Matrix needs: a safe place for two weeks.",
                data_categories=("profile",),
            ),
            lifecycle.Consent(date=datetime.date.today(), **CONSENT_ALL),
        )

    pending = send()
    accepted = lifecycle.accept(recipient, send())
    return case, pending, accepted


def _token_with_agreement():
    """A partner token for both the anonymised rows and signed releases, with
    a data-sharing agreement in force."""
    today = timezone.localdate()
    token, raw = make_token(scopes=[Scope.ANONYMISED_CASES, Scope.EXCHANGE])
    Agreement.objects.create(
        title="Matrix agreement",
        partner=token.organisation,
        tier=Tier.RECORDS,
        countries=["KG"],
        year_from=2020,
        year_to=2030,
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=30),
        contact_name="Data officer",
        contact_email="data@partner.example",
        token=token,
    )
    return raw


def matrix_cases():
    for route, variants in sorted(EXPECTATIONS.items()):
        for variant in variants:
            for role in ROLES:
                yield pytest.param(route, variant, role, id=f"{route[1]}[{variant}]-{role}")


def _call(client, world, route, variant, role):
    method, template = route
    param_key, _statuses = EXPECTATIONS[route][variant]
    params = dict(world.params[param_key]) if param_key else {}
    # A write route's request body: one that succeeds for whoever may act.
    body = params.pop("_body", None)
    headers = {} if body is None else {"data": json.dumps(body), "content_type": "application/json"}
    user, auth = world.callers[role]
    client.logout()
    if user is not None and user.is_authenticated:
        client.force_login(user)
    return getattr(client, method)(template.format(**params), **headers, **auth), params


@pytest.mark.parametrize("route, variant, role", list(matrix_cases()))
def test_api_permission_matrix_agrees_with_the_web_and_the_policy(
    client, world, route, variant, role
):
    response, params = _call(client, world, route, variant, role)
    expected = EXPECTATIONS[route][variant][1][role]
    assert response.status_code == expected, f"{role} on {route[1]}: {response.status_code}"
    if expected not in (200, 201):
        # A refusal carries no data at all: no title, no rows, no needs.
        assert b"Matrix" not in response.content
        assert b"yearOfRegistration" not in response.content

    rule = SAME_AS_WEB[route]
    api_allows = response.status_code in (200, 201)
    user, headers = world.callers[role]
    if rule.partner_only:
        # Only a token opens it, and only a valid one with the scope.
        assert api_allows is (role == "token_valid")
        return
    # A token is no session: to the policy and to the web, its bearer is anonymous.
    person = user if user is not None else AnonymousUser()
    policy_allows = rule.policy(world, person, params)
    assert api_allows is policy_allows, f"API {response.status_code}, policy {policy_allows}"
    for template, allowed in rule.web:
        web = client.get(template.format(**params), **headers)
        assert allowed(web) is policy_allows, f"web {template}: {web.status_code}"


# --- Figures: the same on both surfaces ---------------------------------------------


def _page_cells(html):
    """{(table caption, label): text} from a report page's totals."""
    cells = {}
    for caption, body in re.findall(
        r"<caption>([^<]+)</caption>.*?<tbody>(.*?)</tbody>", html, flags=re.S
    ):
        for label, text in re.findall(r"<td>([^<]*)</td><td>([^<]*)</td>", body):
            cells[(caption.strip(), label)] = text
    return cells


@pytest.mark.parametrize("role", SESSIONS)
@pytest.mark.parametrize("variant", ["workspace report", "shared report"])
def test_report_totals_are_the_same_figures_on_the_page_and_in_the_api(
    client, world, role, variant
):
    route = ("get", "/api/v1/workspaces/{slug}/reports/{report_id}")
    response, params = _call(client, world, route, variant, role)
    if response.status_code != 200:
        return  # the refusal itself is checked above
    report = world.reports[params["report_id"]]
    access = report_access(world.callers[role][0], report)
    detail = response.json()
    assert detail["totals"]["exact"] is access.allows(EXACT_TOTALS)
    page = client.get(REPORT_PAGE.format(**params)).content.decode()
    if access.allows(READ_CASE_ROWS):
        # Row readers see the rows themselves on the page; the API's exact
        # totals and its record count agree with them.
        assert detail["case_records"] == report.cases.count()
        [rows] = re.findall(
            r'<table class="cases table-stack">.*?<tbody>(.*?)</tbody>', page, flags=re.S
        )
        assert rows.count("<tr>") == report.cases.count()
        return
    k = detail["totals"]["k"]
    assert k == 11
    page_cells = _page_cells(page)
    api_cells = {
        (table["title"], cell["label"]): (
            f"fewer than {k}" if cell["fewer_than_k"] else str(cell["count"])
        )
        for table in detail["totals"]["tables"]
        for cell in table["cells"]
    }
    assert api_cells and page_cells == api_cells


@pytest.mark.parametrize("role", SESSIONS)
def test_record_counts_in_lists_are_the_same_on_the_page_and_in_the_api(client, world, role):
    user = world.callers[role][0]
    client.logout()
    client.force_login(user)
    slug = world.params["workspace"]["slug"]
    workspace = Workspace.objects.get(slug=slug)
    pairs = [("/api/v1/network/reports", "/network/reports/")]
    if _opens_workspace(world, user, {"slug": slug}):
        pairs.append((f"/api/v1/workspaces/{slug}/reports", f"/workspaces/{slug}/reports/"))
    for api_path, web_path in pairs:
        listed = client.get(api_path)
        if listed.status_code != 200:
            continue
        page = client.get(web_path).content.decode()
        exact = workspace_case_access(user, workspace).allows(EXACT_TOTALS)
        for item in listed.json():
            real = world.reports[item["id"]].cases.count()
            if exact or real >= 11:
                assert item["case_records"] == real and not item["case_records_fewer_than_k"]
                text = str(real)
            else:
                assert item["case_records"] is None and item["case_records_fewer_than_k"]
                text = "fewer than 11"
            row = re.search(rf"{re.escape(item['title'])}</a>.*?</tr>", page, flags=re.S).group(0)
            # Cells carry their column's name for phones (data-label).
            assert re.search(rf"<td[^>]*>{re.escape(text)}</td>", row), (
                api_path,
                item["title"],
                text,
            )
