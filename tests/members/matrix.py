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
WATCHED_APPS = ("members", "reports", "account", "mfa", "auth", "portal_search", "api")

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
    return client.post(url, data)


def check_url(url, *, workspace, roles, clients, builders, post_default):
    """Request ``url`` as every role, GET and POST, in an active workspace and
    (for a workspace page) an archived one; the list of every answer that
    differs from the table, and of every refused request that wrote anything.
    Each request runs in a savepoint that is rolled back after it."""
    owner = roles["owner"]
    states = STATES if table.is_workspace_page(url.name) else ("active",)
    failures = []
    for state in states:
        archived = state == "archived"
        for role in ROLES:
            user = roles.get(role)
            for method in ("GET", "POST"):
                savepoint = transaction.savepoint()
                try:
                    if archived:
                        workspace.archived_at = timezone.now()
                        workspace.save(update_fields=["archived_at"])
                    ctx_actor = user or owner
                    build = builders.get(url.name)
                    built = build(MatrixContext(workspace, ctx_actor, owner)) if build else None
                    kwargs = dict(built.kwargs) if built else {}
                    if "slug" in url.kwarg_names:
                        kwargs.setdefault("slug", workspace.slug)
                    address = reverse(url.name, kwargs=kwargs)
                    post = built.post if built and built.post is not None else post_default()
                    want = table.expected(url.name, role, archived=archived)
                    before = snapshot()
                    response = _request(clients[role], method, address, post)
                    got = outcome(response)
                    where = f"{state} {role} {method} {address}"
                    if got != want:
                        failures.append(f"{where}: want {want}, got {got}")
                    elif want != ALLOWED and snapshot() != before:
                        failures.append(f"{where}: refused, yet changed data")
                    elif (
                        archived
                        and table.refused_only_because_archived(url.name, role)
                        and b"archived" not in response.content.lower()
                    ):
                        failures.append(f"{where}: 403 without saying why")
                finally:
                    transaction.savepoint_rollback(savepoint)
    return failures
