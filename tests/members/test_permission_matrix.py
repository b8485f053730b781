"""The permission matrix: every URL under /workspaces/, found in the URL
configuration, for every role, GET and POST, in an active and an archived
workspace. What a role must get comes from the view's access decorator, so a
URL added later (monitoring reports…) is checked without touching this file;
a URL without a decorator, or without a builder for its ids, fails here."""

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, path, reverse
from django.urls.resolvers import RegexPattern
from django.utils import timezone

from portal.members.access import members_area_view, workspace_view
from tests.members import matrix
from tests.members.url_builders import BUILDERS, MatrixContext, default_post

pytestmark = pytest.mark.django_db

URLS = matrix.workspace_urls(get_resolver())
STATES = ("active", "archived")


def test_every_workspace_url_can_be_checked():
    assert matrix.problems(URLS, BUILDERS) == []
    assert len(URLS) >= 30


def test_the_matrix_size_is_reported(capsys):
    workspace_urls = [u for u in URLS if u.access_rule == "workspace"]
    cells = len(URLS) * len(matrix.ROLES)
    requests = (len(URLS) + len(workspace_urls)) * len(matrix.ROLES) * 2
    with capsys.disabled():
        print(
            f"\npermission matrix: {len(URLS)} URLs x {len(matrix.ROLES)} roles = {cells} cells; "
            f"{requests} requests (GET and POST; workspace URLs also archived)"
        )
    assert cells == len(URLS) * 8


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


def test_a_url_with_ids_but_no_builder_fails_the_matrix():
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
    assert matrix.snapshot() != with_file


@pytest.fixture
def clients(roles):
    made = {"anonymous": Client()}
    for role, user in roles.items():
        if role in matrix.ROLES:
            made[role] = Client()
            made[role].force_login(user)
    return made


def _request(client, method, url, data):
    if method == "GET":
        return client.get(url)
    return client.post(url, data)


@pytest.mark.parametrize("url", URLS, ids=str)
def test_permission_matrix(url, workspace, roles, clients, django_db_blocker):
    from django.db import transaction

    if matrix.problems([url], BUILDERS):
        pytest.fail("\n".join(matrix.problems([url], BUILDERS)))
    owner = roles["owner"]
    states = STATES if url.access_rule == "workspace" else ("active",)
    failures = []
    for state in states:
        for role in matrix.ROLES:
            user = roles.get(role)
            for method in ("GET", "POST"):
                savepoint = transaction.savepoint()
                try:
                    if state == "archived":
                        workspace.archived_at = timezone.now()
                        workspace.save(update_fields=["archived_at"])
                    ctx = MatrixContext(workspace=workspace, actor=user or owner, owner=owner)
                    build = BUILDERS.get(url.name)
                    built = build(ctx) if build else None
                    kwargs = dict(built.kwargs) if built else {}
                    if "slug" in url.kwarg_names:
                        kwargs.setdefault("slug", workspace.slug)
                    address = reverse(url.name, kwargs=kwargs)
                    post = built.post if built and built.post is not None else default_post()
                    want = matrix.expected(url, role, user, archived=state == "archived")
                    before = matrix.snapshot()
                    response = _request(clients[role], method, address, post)
                    got = matrix.outcome(response)
                    if got != want:
                        failures.append(
                            f"{state} {role} {method} {address}: want {want}, got {got}"
                        )
                    elif want != matrix.ALLOWED and matrix.snapshot() != before:
                        failures.append(
                            f"{state} {role} {method} {address}: refused, yet changed data"
                        )
                    elif (
                        (
                            state == "archived"
                            and want == matrix.FORBIDDEN
                            and role in matrix.MEMBER_ROLES
                        )
                        and url.callback.workspace_write
                        and (
                            url.callback.workspace_perm in _perms(role)
                            and b"archived" not in response.content.lower()
                        )
                    ):
                        failures.append(
                            f"{state} {role} {method} {address}: 403 without saying why"
                        )
                finally:
                    transaction.savepoint_rollback(savepoint)
    assert not failures, "\n".join(failures)


def _perms(role):
    from portal.members.permissions import ROLE_PERMISSIONS

    return set(ROLE_PERMISSIONS[role]) | {None}
