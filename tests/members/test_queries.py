"""The workspace overview and members page take a fixed number of SQL
queries, whatever the number of members."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory, add_member, make_comment, make_discussion, make_file

# Budgets measured with the production caches (on the database).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("database_caches")]

# Upper bounds; the figures measured are printed by the test.
MAX_QUERIES = {"overview": 20, "members": 20}


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def grow(workspace, total, org):
    roles = ["member", "observer", "manager"]
    while workspace.memberships.count() < total:
        n = workspace.memberships.count()
        add_member(workspace, UserFactory(organisation=org), roles[n % 3])


@pytest.mark.parametrize("page", ["overview", "members"])
def test_queries_do_not_grow_with_members(workspace, roles, org, as_user, page, capsys):
    discussion = make_discussion(workspace, roles["member"])
    make_comment(discussion, roles["owner"])
    make_file(workspace, roles["member"])
    url = f"/workspaces/{workspace.slug}/" + ("members/" if page == "members" else "")
    client = as_user(roles["owner"])  # the owner sees the most: invitations, requests, role forms
    client.get(url)  # warm the session and caches as a real visit would

    grow(workspace, 5, org)
    with_5 = count_queries(client, url)
    grow(workspace, 50, org)
    with_50 = count_queries(client, url)
    with capsys.disabled():
        print(f"\n{page} page: {with_5} SQL queries with 5 members, {with_50} with 50 members")
    assert with_50 == with_5
    assert with_50 <= MAX_QUERIES[page]
