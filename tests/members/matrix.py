"""The permission matrix's machinery: find every URL under /workspaces/ in the
URL configuration, request each as every role, and compare what each gets
with the hand-written table in tests/members/permission_table.py (never with
the view's own decorator, which is what is under test)."""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from portal.members.access import RULE_MEMBERS_AREA, RULE_TOKEN, RULE_WORKSPACE
from tests.members import permission_table as table
from tests.members.permission_table import ALLOWED, FORBIDDEN, LOGIN, NOT_FOUND, ROLES
from tests.members.url_builders import MatrixContext

PREFIX = "workspaces/"
# Apps whose rows a refused request must leave untouched.
WATCHED_APPS = (
    "members",
    "reports",
    "referrals",
    "account",
    "mfa",
    "auth",
    "portal_search",
    "api",
)

ALLOWED_STATUSES = {200, 302, 303, 400, 405}
STATES = ("active", "archived")


@dataclass(frozen=True)
class WorkspaceURL:
    route: str
    name: str | None
    callback: object
    kwarg_names: tuple

    @property
    def access_rule(self):
        return getattr(self.callback, "access_rule", None)

    @property
    def extra_kwargs(self):
        return tuple(k for k in self.kwarg_names if k != "slug")

    def __str__(self):
        return f"/{self.route} ({self.name or 'unnamed'})"


def _kwarg_names(pattern):
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters)
    regex = getattr(pattern, "regex", None)
    return tuple(regex.groupindex) if regex is not None else ()


def iter_urls(resolver, prefix="", namespace="", kwargs=()):
    """Every URL pattern, nested includes resolved, with its full route,
    namespaced name and all keyword arguments along the way."""
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        names = kwargs + _kwarg_names(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = entry.namespace
            ns = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from iter_urls(entry, route, ns, names)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield WorkspaceURL(route.lstrip("^"), name, entry.callback, names)


def workspace_urls(resolver):
    return [url for url in iter_urls(resolver) if url.route.startswith(PREFIX)]


def problems(urls, builders):
    """What stops the matrix from checking a URL, each as a message saying what to do."""
    found = []
    for url in urls:
        rule = url.access_rule
        if rule not in (RULE_WORKSPACE, RULE_MEMBERS_AREA, RULE_TOKEN):
            found.append(
                f"{url} has no access decorator: wrap the view in workspace_view, "
                "members_area_view or token_view from portal.members.access"
            )
            continue
        if url.name is None:
            found.append(f"{url} has no name: give it one so the matrix can build it")
            continue
        if not table.listed(url.name):
            found.append(
                f"{url} is not in tests/members/permission_table.py: write down who may use it"
            )
        elif (rule == RULE_WORKSPACE) != table.is_workspace_page(url.name):
            found.append(
                f"{url}: the table and the view disagree on whether it is a page of one "
                "workspace (WORKSPACE_PAGES) or of the members' area (MEMBERS_AREA_PAGES)"
            )
        if rule == RULE_WORKSPACE and "slug" not in url.kwarg_names:
            found.append(f"{url} uses workspace_view but has no <slug> in its route")
        if url.extra_kwargs and url.name not in builders:
            found.append(
                f"add a builder for {url.name} in tests/members/url_builders.py "
                f"(it needs {', '.join(url.extra_kwargs)})"
            )
    return found


def stale_rows(urls):
    """Rows of the table whose URL no longer exists."""
    names = {url.name for url in urls}
    return sorted(
        name for name in (*table.WORKSPACE_PAGES, *table.MEMBERS_AREA_PAGES) if name not in names
    )


def outcome(response):
    status = response.status_code
    if status in (302, 303) and response.url.startswith(resolve_url(settings.LOGIN_URL)):
        return LOGIN
    if status == 404:
        return NOT_FOUND
    if status == 403:
        return FORBIDDEN
    if status in ALLOWED_STATUSES:
        return ALLOWED
    return f"unexpected {status}"


def _watched_tables():
    """Every table of the watched apps, many-to-many tables included, each
    with its primary-key column to order its rows by."""
    tables = {}
    for label in WATCHED_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models(include_auto_created=True):
            meta = model._meta
            if meta.proxy or not meta.managed:
                continue
            tables[meta.db_table] = meta.pk.column
    return sorted(tables.items())


# The number of rows this transaction has inserted, updated or deleted so far
# in the given tables, savepoints rolled back included: PostgreSQL counts
# attempted writes per transaction (pg_stat_xact_*).
_WRITES_SQL = (
    "SELECT coalesce(sum(pg_stat_get_xact_tuples_inserted(t) + "
    "pg_stat_get_xact_tuples_updated(t) + pg_stat_get_xact_tuples_deleted(t)), 0) "
    "FROM unnest(%s::regclass[]) AS t"
)
_TABLES = []


def _table_names():
    if not _TABLES:
        _TABLES.extend(table for table, _pk in _watched_tables())
    return _TABLES


def snapshot():
    """What a request may not change if it is refused: the count of rows
    written to the watched apps' tables in this transaction (any insert,
    update or delete raises it, even one that writes the same values back, and
    a savepoint rollback does not lower it), the private files and the mail
    sent. Equal before and after means nothing was written. One cheap query,
    where hashing every row of seven apps cost more than the request itself."""
    with connection.cursor() as cursor:
        cursor.execute(_WRITES_SQL, [_table_names()])
        (writes,) = cursor.fetchone()
    root = settings.PRIVATE_MEDIA_ROOT
    files = sorted(str(p) for p in root.rglob("*")) if root.exists() else []
    return (int(writes), tuple(files), len(mail.outbox))


def _request(client, method, url, data):
    if method == "GET":
        return client.get(url)
    for value in data.values():
        if hasattr(value, "seek"):  # an upload sent before, as another role
            value.seek(0)
    return client.post(url, data)


class _Built:
    """What one build gives the requests: the address and the POST data, and
    whether the builder left them the same for every role."""

    def __init__(self, url, builders, post_default, workspace, actor, owner):
        build = builders.get(url.name)
        ctx = MatrixContext(workspace, actor, owner)
        built = build(ctx) if build else None
        self.for_every_role = not ctx.asked_for_actor
        kwargs = dict(built.kwargs) if built else {}
        if "slug" in url.kwarg_names:
            kwargs.setdefault("slug", workspace.slug)
        self.address = reverse(url.name, kwargs=kwargs)
        self.post = built.post if built and built.post is not None else post_default()


def _shared_build(url, builders, post_default, workspace, owner):
    """The build every role can use (kept in the current savepoint), or None
    when the builder asked who acts (its objects are then rolled back)."""
    probe = transaction.savepoint()
    built = _Built(url, builders, post_default, workspace, owner, owner)
    if built.for_every_role:
        transaction.savepoint_commit(probe)
        return built
    transaction.savepoint_rollback(probe)
    return None


def check_url(url, *, workspace, roles, clients, builders, post_default):
    """Request ``url`` as every role, GET and POST, in an active workspace and
    (for a workspace page) an archived one; the list of every answer that
    differs from the table, and of every refused request that wrote anything.

    What the requests need is built in a savepoint rolled back afterwards:
    once per workspace state when the builder never asks who acts, else once
    per role. Each request runs in a savepoint of its own inside it, so every
    request meets the objects exactly as they were built."""
    owner = roles["owner"]
    states = STATES if table.is_workspace_page(url.name) else ("active",)
    failures = []
    for state in states:
        archived = state == "archived"
        state_savepoint = transaction.savepoint()
        try:
            if archived:
                workspace.archived_at = timezone.now()
                workspace.save(update_fields=["archived_at"])
            shared = _shared_build(url, builders, post_default, workspace, owner)
            for role in ROLES:
                role_savepoint = transaction.savepoint()
                try:
                    built = shared or _Built(
                        url, builders, post_default, workspace, roles.get(role) or owner, owner
                    )
                    want = table.expected(url.name, role, archived=archived)
                    for method in ("GET", "POST"):
                        request_savepoint = transaction.savepoint()
                        try:
                            failures += _check_request(
                                clients[role],
                                method,
                                built,
                                want,
                                f"{state} {role} {method} {built.address}",
                                refused_only_because_archived=archived
                                and table.refused_only_because_archived(url.name, role),
                            )
                        finally:
                            transaction.savepoint_rollback(request_savepoint)
                finally:
                    transaction.savepoint_rollback(role_savepoint)
        finally:
            transaction.savepoint_rollback(state_savepoint)
    return failures


def _check_request(client, method, built, want, where, *, refused_only_because_archived):
    before = snapshot()
    response = _request(client, method, built.address, built.post)
    got = outcome(response)
    if got != want:
        return [f"{where}: want {want}, got {got}"]
    if want != ALLOWED and snapshot() != before:
        return [f"{where}: refused, yet changed data"]
    if refused_only_because_archived and b"archived" not in response.content.lower():
        return [f"{where}: 403 without saying why"]
    return []
