"""Who may do what under /workspaces/: the permission matrix's expectations,
written out by hand from the product's rules (DESIGN.md "Accounts and
permissions", README "Roles"), never read from the views' access decorators.
A view given the wrong decorator therefore fails the matrix instead of
teaching it a new rule. A URL added later fails the matrix until a row is
added here: adding it is the moment to decide, and for a reviewer to read,
who may use it.

The roles (tests/members/conftest.py `people`, plus a coordinator):
- ``anonymous``: not signed in;
- ``outsider``: signed in, no workspace, organisation not verified (outside the network);
- ``other_member``: owner of another workspace, of a verified organisation;
- ``staff``: office staff account (is_staff), no organisation, no workspace;
- ``coordinator``: in the "Network coordinators" group, not a member of the workspace;
- ``observer``, ``member``, ``manager``, ``owner``: the workspace's own people.
"""

LOGIN, NOT_FOUND, FORBIDDEN, ALLOWED = "login redirect", "404", "403", "allowed"

ROLES = (
    "anonymous",
    "outsider",
    "other_member",
    "staff",
    "coordinator",
    "observer",
    "member",
    "manager",
    "owner",
)
MEMBER_ROLES = ("observer", "member", "manager", "owner")

# --- Pages of one workspace -----------------------------------------------------------
# Everyone outside the workspace gets the same answer on every one of its URLs,
# whatever the action: a stranger must not learn that the workspace exists (404,
# like a slug that does not exist), and a visitor is asked to sign in first.
OUTSIDE_THE_WORKSPACE = {
    "anonymous": LOGIN,
    "outsider": NOT_FOUND,
    "other_member": NOT_FOUND,
    "staff": NOT_FOUND,
    "coordinator": NOT_FOUND,
}

# Which of the workspace's people may use each URL; the others get 403.
EVERYONE = ("observer", "member", "manager", "owner")
CONTRIBUTORS = ("member", "manager", "owner")  # observers only read
MODERATORS = ("manager", "owner")
OWNER = ("owner",)

# An archived workspace is read-only: a URL marked READ_ONLY answers 403 to all
# of its people there (saying why); an OPEN one answers as in an active workspace.
READ_ONLY, OPEN = "read-only when archived", "open when archived"

WORKSPACE_PAGES = {
    # The workspace itself
    "members:workspace_detail": (EVERYONE, OPEN),
    "members:workspace_leave": (EVERYONE, OPEN),
    "members:workspace_settings": (OWNER, READ_ONLY),
    "members:workspace_archive": (OWNER, READ_ONLY),
    "members:workspace_restore": (OWNER, OPEN),  # the way out of the archive
    "members:audit_log": (OWNER, OPEN),
    # People
    "members:member_list": (EVERYONE, OPEN),
    "members:ownership_transfer": (OWNER, READ_ONLY),
    "members:member_role": (OWNER, READ_ONLY),
    "members:member_remove": (OWNER, READ_ONLY),
    "members:invitation_create": (MODERATORS, READ_ONLY),
    "members:invitation_revoke": (MODERATORS, READ_ONLY),
    "members:invitation_resend": (MODERATORS, READ_ONLY),
    "members:join_request_decide": (MODERATORS, READ_ONLY),
    # Discussions
    "members:discussion_list": (EVERYONE, OPEN),
    "members:discussion_detail": (EVERYONE, OPEN),
    "members:discussion_create": (CONTRIBUTORS, READ_ONLY),
    "members:discussion_edit": (CONTRIBUTORS, READ_ONLY),
    "members:discussion_moderate": (MODERATORS, READ_ONLY),
    "members:discussion_delete": (MODERATORS, READ_ONLY),
    "members:discussion_history": (MODERATORS, OPEN),
    "members:comment_create": (CONTRIBUTORS, READ_ONLY),
    "members:comment_edit": (CONTRIBUTORS, READ_ONLY),
    "members:comment_moderate": (MODERATORS, READ_ONLY),
    "members:comment_delete": (CONTRIBUTORS, READ_ONLY),
    # Files
    "members:file_list": (EVERYONE, OPEN),
    "members:file_download": (EVERYONE, OPEN),
    "members:file_upload": (CONTRIBUTORS, READ_ONLY),
    "members:file_delete": (CONTRIBUTORS, READ_ONLY),
    # Monitoring reports: observers read a report and its totals, never its rows
    # or an export; a second person (manager or owner) moves it on after submission.
    "reports:list": (EVERYONE, OPEN),
    "reports:detail": (EVERYONE, OPEN),
    "reports:export": (CONTRIBUTORS, OPEN),
    "reports:export_download": (CONTRIBUTORS, OPEN),
    "reports:create": (CONTRIBUTORS, READ_ONLY),
    "reports:edit": (CONTRIBUTORS, READ_ONLY),
    "reports:submit": (CONTRIBUTORS, READ_ONLY),
    "reports:review": (MODERATORS, READ_ONLY),
    "reports:return": (MODERATORS, READ_ONLY),
    "reports:reopen": (MODERATORS, READ_ONLY),
    "reports:share": (MODERATORS, READ_ONLY),
    "reports:withdraw": (MODERATORS, READ_ONLY),
    "reports:comment_add": (CONTRIBUTORS, READ_ONLY),
    # Anyone who may read the report may delete their own comment on it (the
    # builder makes the comment the requester's own; other people's comments
    # are tested in tests/reports).
    "reports:comment_delete": (EVERYONE, READ_ONLY),
    "reports:attachment_add": (CONTRIBUTORS, READ_ONLY),
    "reports:attachment_remove": (CONTRIBUTORS, READ_ONLY),
    "reports:case_create": (CONTRIBUTORS, READ_ONLY),
    "reports:case_edit": (CONTRIBUTORS, READ_ONLY),
    "reports:case_delete": (CONTRIBUTORS, READ_ONLY),
    "reports:import": (CONTRIBUTORS, READ_ONLY),
    # Referrals: case workers only, never observers (they see no case data);
    # which side may do what on one referral is tested in tests/referrals.
    "workspace_referrals:list": (CONTRIBUTORS, OPEN),
    "workspace_referrals:detail": (CONTRIBUTORS, OPEN),
    "workspace_referrals:create": (CONTRIBUTORS, READ_ONLY),
    "workspace_referrals:edit": (CONTRIBUTORS, READ_ONLY),
    "workspace_referrals:accept": (CONTRIBUTORS, READ_ONLY),
    "workspace_referrals:decline": (CONTRIBUTORS, READ_ONLY),
    "workspace_referrals:revoke": (CONTRIBUTORS, READ_ONLY),
    "workspace_referrals:close": (CONTRIBUTORS, READ_ONLY),
    "workspace_referrals:message_add": (CONTRIBUTORS, READ_ONLY),
    "workspace_referrals:step_add": (CONTRIBUTORS, READ_ONLY),
    # A referral's documents: its case workers (never an observer), on both
    # sides; who of them sees which referral is tested in tests/referrals.
    "workspace_referrals:document_upload": (CONTRIBUTORS, READ_ONLY),
    "workspace_referrals:document_download": (CONTRIBUTORS, OPEN),
}

# --- The members' area outside one workspace --------------------------------------------
# Every role's answer, written out.
SIGNED_IN = dict.fromkeys(ROLES, ALLOWED) | {"anonymous": LOGIN}
# The network is the people of verified member organisations and the coordinators:
# an unverified organisation and an office account without one are outside it.
NETWORK_ONLY = SIGNED_IN | {"outsider": FORBIDDEN, "staff": FORBIDDEN}

MEMBERS_AREA_PAGES = {
    "members:workspace_list": SIGNED_IN,
    "members:notification_settings": SIGNED_IN,
    "members:network_directory": NETWORK_ONLY,
    "members:join_request_create": NETWORK_ONLY,
    # The invitation link is bound to its address (invitee@example.org in
    # url_builders): a visitor may sign up through it, every signed-in role here
    # is another account and is refused.
    "members:invitation_accept": dict.fromkeys(ROLES, FORBIDDEN) | {"anonymous": ALLOWED},
}


def listed(name):
    return name in WORKSPACE_PAGES or name in MEMBERS_AREA_PAGES


def is_workspace_page(name):
    return name in WORKSPACE_PAGES


def expected(name, role, *, archived):
    """What ``role`` must get on the URL named ``name``."""
    if name in MEMBERS_AREA_PAGES:
        return MEMBERS_AREA_PAGES[name][role]
    if role in OUTSIDE_THE_WORKSPACE:
        return OUTSIDE_THE_WORKSPACE[role]
    allowed, when_archived = WORKSPACE_PAGES[name]
    if archived and when_archived == READ_ONLY:
        return FORBIDDEN
    return ALLOWED if role in allowed else FORBIDDEN


def refused_only_because_archived(name, role):
    """The role may use the URL in an active workspace but not in an archived
    one: its 403 there must say why."""
    return (
        name in WORKSPACE_PAGES
        and expected(name, role, archived=False) == ALLOWED
        and expected(name, role, archived=True) == FORBIDDEN
    )
