"""The permission matrix: every URL under /workspaces/, found in the URL
configuration, for every role, GET and POST, in an active and an archived
workspace. What a role must get is written by hand in
tests/members/permission_table.py, independently of the views' decorators, so
a view given the wrong permission fails here. A URL added later fails until
the table says who may use it (and a builder makes its ids); a URL without an
access decorator fails too."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path
from django.urls.resolvers import RegexPattern

from portal.core.roles import NETWORK_COORDINATORS
from portal.members.access import members_area_view, workspace_view
from tests.factories import UserFactory
from tests.members import matrix
from tests.members import permission_table as table
from tests.members.url_builders import BUILDERS, default_post

pytestmark = pytest.mark.django_db

URLS = matrix.workspace_urls(get_resolver())


def test_every_workspace_url_can_be_checked():
    assert matrix.problems(URLS, BUILDERS) == []
    assert matrix.stale_rows(URLS) == []
    assert len(URLS) >= 30


def test_the_matrix_size_is_reported(capsys):
    workspace_urls = [u for u in URLS if table.is_workspace_page(u.name)]
    cells = len(URLS) * len(matrix.ROLES)
    requests = (len(URLS) + len(workspace_urls)) * len(matrix.ROLES) * 2
    with capsys.disabled():
        print(
            f"\npermission matrix: {len(URLS)} URLs x {len(matrix.ROLES)} roles = {cells} cells; "
            f"{requests} requests (GET and POST; workspace URLs also archived)"
        )
    assert cells == len(URLS) * 9


def _view(request):
    raise AssertionError("never called")


def _resolver(*patterns):
    return URLResolver(RegexPattern(r"^/"), [path("workspaces/", (list(patterns), "x", "x"))])


def test_a_view_without_an_access_decorator_fails_the_matrix():
    urls = matrix.workspace_urls(_resolver(path("<slug:slug>/secret/", _view, name="secret")))
    assert matrix.problems(urls, {}) == [
        "/workspaces/<slug:slug>/secret/ (x:secret) has no access decorator: wrap the view in "
        "workspace_view, members_area_view or token_view from portal.members.access"
    ]


def test_a_url_with_ids_but_no_builder_fails_the_matrix(monkeypatch):
    monkeypatch.setitem(table.WORKSPACE_PAGES, "x:thing", (table.EVERYONE, table.OPEN))
    view = workspace_view("view_workspace")(_view)
    urls = matrix.workspace_urls(
        _resolver(path("<slug:slug>/things/<int:thing_id>/", view, name="thing"))
    )
    assert matrix.problems(urls, {}) == [
        "add a builder for x:thing in tests/members/url_builders.py (it needs thing_id)"
    ]
    assert matrix.problems(urls, {"x:thing": lambda ctx: None}) == []


def test_nested_includes_are_walked_with_their_kwargs():
    view = members_area_view(_view)
    inner = ([path("deep/<int:n>/", view, name="deep")], "inner", "inner")
    resolver = _resolver(path("<slug:slug>/reports/", inner))
    (url,) = matrix.workspace_urls(resolver)
    assert url.route == "workspaces/<slug:slug>/reports/deep/<int:n>/"
    assert url.name == "x:inner:deep"
    assert url.kwarg_names == ("slug", "n")


def test_the_snapshot_sees_a_changed_field_a_link_row_a_file_and_a_mail(
    workspace, roles, private_media
):
    """The matrix's "refused, yet changed data" check is only as good as this."""
    from django.contrib.auth.models import Group
    from django.core import mail

    group = Group.objects.create(name="Granted by mistake")
    before = matrix.snapshot()
    assert matrix.snapshot() == before
    workspace.description = "changed by a refused request?"
    workspace.save(update_fields=["description"])
    changed_field = matrix.snapshot()
    assert changed_field != before
    roles["outsider"].groups.add(group)  # only a row of the many-to-many table
    link_row = matrix.snapshot()
    assert link_row != changed_field
    private_media.mkdir(parents=True, exist_ok=True)
    (private_media / "leak.txt").write_text("x")
    with_file = matrix.snapshot()
    assert with_file != link_row
    mail.send_mail("s", "b", "a@example.org", ["b@example.org"])
    with_mail = matrix.snapshot()
    assert with_mail != with_file
    # A write rolled back inside the request (a savepoint) still shows.
    from django.db import transaction

    with transaction.atomic():
        sid = transaction.savepoint()
        workspace.description = "written, then rolled back"
        workspace.save(update_fields=["description"])
        transaction.savepoint_rollback(sid)
    assert matrix.snapshot() != with_mail


def test_a_url_missing_from_the_table_fails_the_matrix():
    view = workspace_view("view_workspace")(_view)
    urls = matrix.workspace_urls(_resolver(path("<slug:slug>/new-thing/", view, name="new")))
    assert matrix.problems(urls, {}) == [
        "/workspaces/<slug:slug>/new-thing/ (x:new) is not in "
        "tests/members/permission_table.py: write down who may use it"
    ]


@pytest.fixture
def matrix_roles(roles):
    """The workspace's people and outsiders, and a network coordinator who is
    not a member of the workspace."""
    coordinator = UserFactory(email="coordinator@example.org")
    coordinator.groups.add(Group.objects.get(name=NETWORK_COORDINATORS))
    return {**roles, "coordinator": coordinator}


@pytest.fixture
def clients(matrix_roles):
    made = {"anonymous": Client()}
    for role, user in matrix_roles.items():
        if role in matrix.ROLES:
            made[role] = Client()
            made[role].force_login(user)
    return made


@pytest.mark.parametrize("url", URLS, ids=str)
def test_permission_matrix(url, workspace, matrix_roles, clients):
    if matrix.problems([url], BUILDERS):
        pytest.fail("\n".join(matrix.problems([url], BUILDERS)))
    failures = matrix.check_url(
        url,
        workspace=workspace,
        roles=matrix_roles,
        clients=clients,
        builders=BUILDERS,
        post_default=default_post,
    )
    assert not failures, "\n".join(failures)


# --- The checker itself: a wrong decorator must fail it ------------------------------


def _route(name):
    """The real URL pattern named ``name`` and the matrix's view of it."""
    app, short = name.split(":")
    for entry in get_resolver().url_patterns:
        found = _find(entry, app, short)
        if found is not None:
            (url,) = [u for u in URLS if u.name == name]
            return found, url
    raise LookupError(name)


def _find(entry, namespace, name, inside=""):
    if isinstance(entry, URLResolver):
        inner = entry.namespace or inside
        for child in entry.url_patterns:
            found = _find(child, namespace, name, inner)
            if found is not None:
                return found
    elif isinstance(entry, URLPattern) and entry.name == name and inside == namespace:
        return entry
    return None


def _check(url, workspace, matrix_roles, clients):
    return matrix.check_url(
        url,
        workspace=workspace,
        roles=matrix_roles,
        clients=clients,
        builders=BUILDERS,
        post_default=default_post,
    )


def test_a_view_given_a_weaker_permission_fails_the_matrix(
    workspace, matrix_roles, clients, monkeypatch
):
    """The audit log is the owner's; served with the readers' permission (the
    decorator a careless edit could give it), the table catches it, though
    the weaker decorator itself is consistent."""
    pattern, url = _route("members:audit_log")
    weaker = workspace_view("view_workspace")(pattern.callback.__wrapped__)
    monkeypatch.setattr(pattern, "callback", weaker)
    failures = _check(url, workspace, matrix_roles, clients)
    address = f"/workspaces/{workspace.slug}/audit/"
    for state in ("active", "archived"):
        for role in ("observer", "member", "manager"):
            assert f"{state} {role} GET {address}: want 403, got allowed" in failures
    assert not [line for line in failures if " owner " in line or " outsider " in line]


def test_a_write_view_open_in_an_archived_workspace_fails_the_matrix(
    workspace, matrix_roles, clients, monkeypatch
):
    """Starting a discussion writes: marked as a read (no write=True), an
    archived workspace would take new discussions; the table says read-only."""
    pattern, url = _route("members:discussion_create")
    not_read_only = workspace_view("contribute_workspace")(pattern.callback.__wrapped__)
    monkeypatch.setattr(pattern, "callback", not_read_only)
    failures = _check(url, workspace, matrix_roles, clients)
    assert any(line.startswith("archived member POST") for line in failures), failures
    assert not [line for line in failures if line.startswith("active ")]


def test_the_unchanged_views_pass_the_checker(workspace, matrix_roles, clients):
    """The two checks above fail because of the swapped view, not the checker."""
    for name in ("members:audit_log", "members:discussion_create"):
        _pattern, url = _route(name)
        assert _check(url, workspace, matrix_roles, clients) == []
