"""The API permission matrix: every route of /api/v1/ (read from the NinjaAPI
object, so a new endpoint cannot be forgotten) against every kind of caller."""

import pytest
from django.contrib.auth.models import AnonymousUser

from portal.api.api import api
from portal.api.models import Scope
from tests.api.conftest import bearer, make_token
from tests.factories import UserFactory, add_member, make_workspace
from tests.reports.factories import add_cases, make_report, network_user, publish

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "token_without_scope",
    "token_expired",
    "token_revoked",
    "token_valid",
    "outsider",
    "other_workspace_member",
    "member",
    "manager",
)
TOKENS = ("token_without_scope", "token_expired", "token_revoked", "token_valid")
SESSIONS = ("outsider", "other_workspace_member", "member", "manager")


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
    "other_workspace_member": 404,
    "member": 200,
    "manager": 200,
}
NETWORK_LIST = {**MEMBERS_OWN_LIST, "outsider": 403}

# (method, path) -> {variant: (path parameters from the fixture, expected status per role)}
EXPECTATIONS = {
    ("get", "/api/v1/statistics"): {"": ({}, PUBLIC)},
    ("get", "/api/v1/cases/anonymised"): {"": ({}, PARTNER)},
    ("get", "/api/v1/cases/anonymised.csv"): {"": ({}, PARTNER)},
    ("get", "/api/v1/workspaces"): {"": ({}, MEMBERS_OWN_LIST)},
    ("get", "/api/v1/workspaces/{slug}/reports"): {"": ("workspace", WORKSPACE_ONLY)},
    ("get", "/api/v1/workspaces/{slug}/reports/{report_id}"): {
        "workspace report": ("workspace_report", WORKSPACE_ONLY),
        # Network members (the other workspace's member is one) read shared reports.
        "shared report": ("shared_report", {**WORKSPACE_ONLY, "other_workspace_member": 200}),
    },
    ("get", "/api/v1/workspaces/{slug}/reports/{report_id}/cases"): {
        "workspace report": ("workspace_report", WORKSPACE_ONLY),
        # ...but never a shared report's rows.
        "shared report": ("shared_report", {**WORKSPACE_ONLY, "other_workspace_member": 403}),
    },
    ("get", "/api/v1/network/reports"): {"": ({}, NETWORK_LIST)},
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
    missing = [route for route in routes if route not in EXPECTATIONS]
    assert not missing, f"add these routes to EXPECTATIONS: {missing}"
    stale = [route for route in EXPECTATIONS if route not in routes]
    assert not stale, f"these routes no longer exist: {stale}"
    for variants in EXPECTATIONS.values():
        for _params, statuses in variants.values():
            assert set(statuses) == set(ROLES)


@pytest.fixture
def world():
    manager = network_user()
    workspace = make_workspace(owner=network_user())
    add_member(workspace, manager, "manager")
    member = add_member(workspace, network_user(), "member")
    other = make_workspace(owner=network_user())
    other_member = add_member(other, network_user(), "member")
    workspace_report = make_report(workspace, title="Matrix workspace report")
    add_cases(workspace_report, 12)
    shared_report = make_report(workspace, audience="network", title="Matrix shared report")
    add_cases(shared_report, 12)
    publish()  # statistics and partner rows are read from a release
    expired, expired_raw = make_token()
    type(expired).objects.filter(pk=expired.pk).update(
        created_at=expired.created_at.replace(year=2020),
        expires_at=expired.created_at.replace(year=2021),
    )
    callers = {
        "anonymous": (AnonymousUser(), {}),
        "token_without_scope": (None, bearer(make_token(scopes=[Scope.STATISTICS])[1])),
        "token_expired": (None, bearer(expired_raw)),
        "token_revoked": (None, bearer(make_token(revoked=True)[1])),
        "token_valid": (None, bearer(make_token()[1])),
        "outsider": (UserFactory(), {}),  # signed in, no workspace, unverified organisation
        "other_workspace_member": (other_member, {}),
        "member": (member, {}),
        "manager": (manager, {}),
    }
    params = {
        "workspace": {"slug": workspace.slug},
        "workspace_report": {"slug": workspace.slug, "report_id": workspace_report.pk},
        "shared_report": {"slug": workspace.slug, "report_id": shared_report.pk},
    }
    return callers, params


def matrix_cases():
    for route, variants in sorted(EXPECTATIONS.items()):
        for variant in variants:
            for role in ROLES:
                yield pytest.param(route, variant, role, id=f"{route[1]}[{variant}]-{role}")


@pytest.mark.parametrize("route, variant, role", list(matrix_cases()))
def test_api_permission_matrix(client, world, route, variant, role):
    callers, params = world
    method, template = route
    param_key, statuses = EXPECTATIONS[route][variant]
    path = template.format(**(params[param_key] if param_key else {}))
    user, headers = callers[role]
    if user is not None and user.is_authenticated:
        client.force_login(user)
    response = getattr(client, method)(path, **headers)
    expected = statuses[role]
    assert response.status_code == expected, f"{role} on {path}: {response.status_code}"
    if expected != 200:
        # A refusal carries no data at all: no title, no rows.
        assert b"Matrix" not in response.content
        assert b"yearOfRegistration" not in response.content
