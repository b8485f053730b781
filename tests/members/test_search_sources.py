"""What the members' app tells search: workspaces, discussions and files,
each for the members of its workspace only, hidden posts left out."""

import pytest

from portal.core.audience import audiences_for, can_see, workspace_token
from portal.members.discussions import set_comment_hidden, set_discussion_hidden
from portal.members.models import Comment, Discussion, Workspace, WorkspaceFile
from portal.search.registry import registry
from tests.factories import make_comment, make_discussion, make_file

pytestmark = pytest.mark.django_db


def test_the_three_kinds_are_registered():
    assert registry.source_for_model(Workspace).kind == "workspace"
    assert registry.source_for_model(Discussion).kind == "discussion"
    assert registry.source_for_model(WorkspaceFile).kind == "workspace_file"
    watching = [source.kind for source, _resolver in registry.sources_watching(Comment)]
    assert watching == ["discussion"]


def test_a_workspace_is_found_by_its_members_only(workspace, roles):
    workspace.description = "Referral coordination in Osh"
    entry = registry.get("workspace").entry_for(workspace)
    assert (entry.title, entry.body, entry.url) == (
        "Osh monitoring",
        "Referral coordination in Osh",
        "/workspaces/osh-monitoring/",
    )
    assert entry.audiences == (workspace_token(workspace),)
    assert entry.workspace_id == workspace.pk
    assert can_see(roles["observer"], entry.audiences)
    for outsider in ("outsider", "other_member", "staff"):
        assert not can_see(roles[outsider], entry.audiences)


def test_a_discussion_document_holds_its_visible_comments(workspace, roles):
    discussion = make_discussion(
        workspace, roles["member"], title="Winter places", body="Opening text"
    )
    make_comment(discussion, roles["owner"], body="Four places from December")
    hidden = make_comment(discussion, roles["owner"], body="Posted by mistake")
    set_comment_hidden(hidden, True, actor=roles["manager"])
    source = registry.get("discussion")
    entry = source.entry_for(discussion)
    assert entry.title == "Winter places"
    assert "Opening text" in entry.body and "Four places from December" in entry.body
    assert "Posted by mistake" not in entry.body
    assert entry.url == discussion.get_absolute_url()
    assert entry.audiences == (workspace_token(workspace),)
    # A comment changes its discussion's document.
    ((_source, resolve),) = registry.sources_watching(Comment)
    assert resolve(hidden) == [discussion.pk]


def test_a_hidden_discussion_has_no_document(workspace, roles):
    discussion = make_discussion(workspace, roles["member"])
    set_discussion_hidden(discussion, True, actor=roles["manager"])
    assert registry.get("discussion").entry_for(discussion) is None


def test_a_file_is_described_by_name_and_description_not_content(workspace, roles):
    stored = make_file(
        workspace,
        roles["member"],
        name="visits.csv",
        content=b"secret,content\n",
        description="Q1 visits",
    )
    entry = registry.get("workspace_file").entry_for(stored)
    assert (entry.title, entry.body) == ("visits.csv", "Q1 visits")
    assert "secret" not in entry.body
    assert entry.url == f"/workspaces/osh-monitoring/files/#file-{stored.pk}"
    assert entry.audiences == (workspace_token(workspace),)
    assert entry.extra == {"size": stored.size, "type": "csv"}


def test_members_audiences_include_their_workspace_token(workspace, roles):
    assert workspace_token(workspace) in audiences_for(roles["observer"])
    assert workspace_token(workspace) not in audiences_for(roles["staff"])
