"""The permission matrix's machinery: find every URL under /workspaces/ in the
URL configuration and say what each role must get, from the access decorator
the view carries (portal.members.access)."""

import hashlib
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import connection
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver
from django.urls.resolvers import RoutePattern

from portal.members.access import RULE_MEMBERS_AREA, RULE_TOKEN, RULE_WORKSPACE
from portal.members.audience import is_network_member
from portal.members.permissions import ROLE_PERMISSIONS

PREFIX = "workspaces/"
ROLES = (
    "anonymous",
    "outsider",
    "other_member",
    "observer",
    "member",
    "manager",
    "owner",
    "staff",
)
MEMBER_ROLES = ("observer", "member", "manager", "owner")
# Apps whose rows a refused request must leave untouched.
WATCHED_APPS = ("members", "reports", "account", "mfa", "auth", "portal_search", "api")

LOGIN, NOT_FOUND, FORBIDDEN, ALLOWED = "login redirect", "404", "403", "allowed"
ALLOWED_STATUSES = {200, 302, 303, 400, 405}


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
        if rule == RULE_WORKSPACE and "slug" not in url.kwarg_names:
            found.append(f"{url} uses workspace_view but has no <slug> in its route")
        if url.extra_kwargs and url.name not in builders:
            found.append(
                f"add a builder for {url.name} in tests/members/url_builders.py "
                f"(it needs {', '.join(url.extra_kwargs)})"
            )
    return found


def expected(url, role, user, *, archived):
    rule = url.access_rule
    if rule == RULE_TOKEN:
        # The invitation link is bound to its address (invitee@example.org in
        # url_builders): a visitor may sign up through it, but every signed-in
        # role here is another account and is refused.
        if role != "anonymous" and url.name == "members:invitation_accept":
            return FORBIDDEN
        return ALLOWED
    if role == "anonymous":
        return LOGIN
    if rule == RULE_MEMBERS_AREA:
        network_only = getattr(url.callback, "members_area_network_only", False)
        return FORBIDDEN if network_only and not is_network_member(user) else ALLOWED
    if role not in MEMBER_ROLES:
        return NOT_FOUND
    perm = url.callback.workspace_perm
    if perm and perm not in ROLE_PERMISSIONS[role]:
        return FORBIDDEN
    if url.callback.workspace_write and archived:
        return FORBIDDEN
    return ALLOWED


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


_FINGERPRINT_SQL = None


def _fingerprint_sql():
    """One query that makes PostgreSQL fingerprint every row of every watched
    table (each row's full text, in primary-key order, plus the row count):
    the same check as reading every row into Python, without moving them."""
    global _FINGERPRINT_SQL
    if _FINGERPRINT_SQL is None:
        quote = connection.ops.quote_name
        # Table and column names come from the models' metadata, quoted.
        template = (
            "(SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' "
            "ORDER BY t.{pk})), '') FROM {table} t)"
        )
        parts = [
            template.format(pk=quote(pk), table=quote(table)) for table, pk in _watched_tables()
        ]
        _FINGERPRINT_SQL = "SELECT ARRAY[" + ", ".join(parts) + "]"
    return _FINGERPRINT_SQL


def snapshot():
    """A fingerprint of every row of the watched apps, the private files and
    the mail sent: equal before and after means nothing changed."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql())
        (tables,) = cursor.fetchone()
    for (table, _pk), fingerprint in zip(_watched_tables(), tables, strict=True):
        digest.update(f"{table}:{fingerprint}".encode())
    root = settings.PRIVATE_MEDIA_ROOT
    if root.exists():
        digest.update(repr(sorted(str(p) for p in root.rglob("*"))).encode())
    digest.update(str(len(mail.outbox)).encode())
    return digest.hexdigest()
