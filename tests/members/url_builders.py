"""Builders for the permission matrix (test_permission_matrix.py).

Every URL under /workspaces/ whose pattern takes keyword arguments besides the
workspace ``slug`` (ids, tokens) needs a builder here, keyed by its namespaced
URL name. A builder gets a ``MatrixContext`` and returns a ``Built``: the URL
kwargs, and optionally the POST data to send (by default ``DEFAULT_POST``).

Builders run inside a savepoint that is rolled back after each request, so
they may create whatever they need. Objects a person may only touch as their
author (their own comment, their own file) are made with ``ctx.actor`` as the
author: the matrix checks the workspace-level rule for each role; the
author-only rules have their own tests.

Another app adds its URLs like this::

    @builder("reports:report_detail")
    def _report(ctx):
        report = MonitoringReportFactory(workspace=ctx.workspace, author=ctx.actor)
        return Built({"report_id": report.pk})
"""

from dataclasses import dataclass, field

from tests.factories import (
    UserFactory,
    add_member,
    make_comment,
    make_discussion,
    make_file,
    make_invitation,
    make_join_request,
    upload,
)


class MatrixContext:
    """What a builder gets. It notes whether the builder asked who acts: a
    builder that never does builds the same for every role, and the matrix
    then builds once per workspace state instead of once per role."""

    def __init__(self, workspace, actor, owner):
        self.workspace = workspace  # the workspace named by the URL's slug
        self.owner = owner
        self._actor = actor  # who makes the request (the owner when the visitor is anonymous)
        self.asked_for_actor = False

    @property
    def actor(self):
        self.asked_for_actor = True
        return self._actor


@dataclass
class Built:
    kwargs: dict = field(default_factory=dict)
    post: dict | None = None  # None: DEFAULT_POST


def default_post():
    """A payload that would change something on most forms if a refused
    request were let through: the matrix then sees the change."""
    return {
        "title": "Changed by the permission matrix",
        "body": "Changed by the permission matrix",
        "name": "Changed by the permission matrix",
        "description": "Changed by the permission matrix",
        "email": "matrix.invitee@example.org",
        "role": "manager",
        "visibility": "network",
        "message": "Please let me in",
        "frequency": "off",
        "decision": "approve",
        "action": "hide",
    }


BUILDERS = {}


def builder(url_name):
    def register(function):
        BUILDERS[url_name] = function
        return function

    return register


def _fresh_member(ctx):
    return add_member(ctx.workspace, UserFactory(), "member")


@builder("members:join_request_create")
def _join(ctx):
    # Only workspaces listed to the network take join requests.
    ctx.workspace.visibility = "network"
    ctx.workspace.save(update_fields=["visibility"])
    return Built({})


@builder("members:invitation_accept")
def _invitation_link(ctx):
    _invitation, token = make_invitation(ctx.workspace, "invitee@example.org", actor=ctx.owner)
    return Built({"token": token})


@builder("members:member_role")
def _member_role(ctx):
    return Built({"user_id": _fresh_member(ctx).pk}, post={"role": "manager"})


@builder("members:member_remove")
def _member_remove(ctx):
    return Built({"user_id": _fresh_member(ctx).pk})


@builder("members:ownership_transfer")
def _transfer(ctx):
    return Built({}, post={"new_owner": _fresh_member(ctx).pk})


@builder("members:invitation_revoke")
@builder("members:invitation_resend")
def _invitation(ctx):
    invitation, _token = make_invitation(ctx.workspace, "someone@example.org", actor=ctx.owner)
    return Built({"invitation_id": invitation.pk})


@builder("members:join_request_decide")
def _join_request(ctx):
    return Built(
        {"request_id": make_join_request(ctx.workspace).pk},
        post={"decision": "approve", "role": "member"},
    )


@builder("members:discussion_detail")
@builder("members:discussion_edit")
@builder("members:discussion_moderate")
@builder("members:discussion_delete")
@builder("members:discussion_history")
@builder("members:comment_create")
def _discussion(ctx):
    return Built({"discussion_id": make_discussion(ctx.workspace, author=ctx.actor).pk})


@builder("members:comment_edit")
@builder("members:comment_moderate")
@builder("members:comment_delete")
def _comment(ctx):
    discussion = make_discussion(ctx.workspace, author=ctx.owner)
    comment = make_comment(discussion, author=ctx.actor)
    return Built({"discussion_id": discussion.pk, "comment_id": comment.pk})


@builder("members:file_upload")
def _upload(ctx):
    return Built({}, post={"file": upload("matrix.txt", b"matrix\n"), "description": "matrix"})


@builder("members:file_download")
@builder("members:file_delete")
def _file(ctx):
    return Built({"file_id": make_file(ctx.workspace, user=ctx.actor).pk})


# Other apps' builders register themselves on import.
from tests.referrals import document_url_builders as _referral_documents  # noqa: E402, F401
from tests.referrals import url_builders as _referrals_builders  # noqa: E402, F401
from tests.reports import url_builders as _reports_builders  # noqa: E402, F401
