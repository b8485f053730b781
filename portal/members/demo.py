"""Demo accounts (see README) and demo workspaces.

Idempotent: reruns reset the demo accounts' names, flags and password, and add
whatever workspace content is missing, but never change or duplicate what is
already there (an editor or member may have changed it)."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.core.roles import EDITORS, NETWORK_COORDINATORS, SITE_ROLES

from . import discussions, files, invitations, joining
from .mail import absolute_url
from .models import (
    Discussion,
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    User,
    Workspace,
    WorkspaceFile,
)
from .pdf import simple_pdf
from .permissions import create_workspace, set_membership

# The public site's demo grants page rights to this group (portal.home.demo).
OFFICE_EDITORS = EDITORS

DEMO_ACCOUNTS = [
    # email, first name, last name, staff, superuser, groups. Staff alone grants
    # nothing: the groups decide (see README "Roles").
    ("admin@example.org", "Portal", "Administrator", True, True, []),
    ("editor@example.org", "Office", "Editor", True, False, [EDITORS]),
    ("coordinator@example.org", "Network", "Coordinator", True, False, [NETWORK_COORDINATORS]),
    ("alia@example.org", "Alia", "Toktosunova", False, False, []),
    ("bakyt@example.org", "Bakyt", "Yuldashev", False, False, []),
]

# The demo network: one list for every demo step (the public site lists the
# verified ones; the workspaces belong to two of them).
OFFICE = "Координационный офис сети"
OSH = "Ошский центр помощи мигрантам"
ANDIJAN = "Андижанский центр поддержки семьи"


def _org(country, city, verified=True, website="", contact_email=""):
    return {
        "country": country,
        "city": city,
        "verified": verified,
        "website": website,
        "contact_email": contact_email,
    }


ORGANISATIONS = {
    OFFICE: _org("KG", "Ош"),
    OSH: _org(
        "KG",
        "Ош",
        website="https://safe-migration.example.org",
        contact_email="info@safe-migration.example.org",
    ),
    "Джалал-Абадская правовая инициатива": _org("KG", "Джалал-Абад"),
    "Баткенская группа взаимопомощи": _org("KG", "Баткен", verified=False),
    ANDIJAN: _org(
        "UZ",
        "Андижан",
        website="https://shelters-andijan.example.org",
        contact_email="contact@shelters-andijan.example.org",
    ),
    "Ферганская молодёжная инициатива": _org("UZ", "Фергана"),
    "Наманганский ресурсный центр для женщин": _org("UZ", "Наманган"),
    "Худжандский кризисный центр для женщин": _org("TJ", "Худжанд"),
    "Исфаринская ассоциация юристов": _org("TJ", "Исфара"),
}


def ensure_organisations(ctx):
    """The demo organisations, created once; later runs keep what editors changed."""
    if "organisations" in ctx.made:
        return ctx.made["organisations"]
    organisations = {}
    for name, fields in ORGANISATIONS.items():
        organisation, created = Organisation.objects.get_or_create(name=name, defaults=fields)
        if created:
            ctx.say(f"created organisation {name}")
        organisations[name] = organisation
    ctx.made["organisations"] = organisations
    return organisations


# email, first name, last name, organisation
MEMBER_ACCOUNTS = [
    ("alia@example.org", "Alia", "Toktosunova", OSH),
    ("bakyt@example.org", "Bakyt", "Yuldashev", ANDIJAN),
    ("nurlan@example.org", "Nurlan", "Abdyrakhmanov", OSH),
    ("gulzat@example.org", "Gulzat", "Mamatova", OSH),
    ("dilnoza@example.org", "Dilnoza", "Karimova", ANDIJAN),
    ("farrukh@example.org", "Farrukh", "Tursunov", ANDIJAN),
    ("kamila@example.org", "Kamila", "Rakhimova", ANDIJAN),
]

WORKSPACES = [
    {
        "slug": "osh-monitoring",
        "name": "Osh monitoring group",
        "description": (
            "Monitoring of recruitment and labour-migration cases referred in Osh city and "
            "Osh region, and coordination of referrals between member organisations."
        ),
        "organisation": OSH,
        "visibility": "network",
        "owner": "alia@example.org",
        "members": [("nurlan@example.org", "manager"), ("gulzat@example.org", "observer")],
        "discussions": [
            (
                "alia@example.org",
                "Referral checklist for returnees at Osh airport",
                "Shall we agree one checklist for the first contact at the airport? "
                "I suggest: shelter place confirmed, medical check offered, legal "
                "consultation within three days, family contact only with consent.",
                [
                    (
                        "nurlan@example.org",
                        "Agreed. Let us add the hotline number on the printed card.",
                    ),
                    ("alia@example.org", "Done in the draft; I will upload it after the meeting."),
                ],
            ),
            (
                "nurlan@example.org",
                "Quarterly monitoring visits schedule",
                "The visits for the first quarter are in the shared file. Please tell me "
                "by Friday if a date does not suit your team.",
                [("alia@example.org", "Thank you, the dates suit us.")],
            ),
        ],
        "file": (
            "monitoring-visits-2025-q1.csv",
            "Schedule of monitoring visits, first quarter",
            "csv",
        ),
        "invitation": ("partner@example.org", "member"),
        "join_request": (
            "kamila@example.org",
            "Our shelter receives returnees from Osh; we would like to follow the referrals.",
        ),
    },
    {
        "slug": "andijan-shelters",
        "name": "Andijan shelters coordination",
        "description": (
            "Coordination of shelter places, referrals and follow-up between the shelters "
            "of Andijan region."
        ),
        "organisation": ANDIJAN,
        "visibility": "private",
        "owner": "bakyt@example.org",
        "members": [("farrukh@example.org", "manager"), ("dilnoza@example.org", "member")],
        "discussions": [
            (
                "bakyt@example.org",
                "Shelter capacity for the winter months",
                "Please post your expected free places for December to February, so we "
                "can plan referrals between shelters.",
                [
                    ("dilnoza@example.org", "We expect four free places from mid-December."),
                    ("farrukh@example.org", "Two places, and one family room from January."),
                ],
            ),
        ],
        "file": (
            "shelter-referral-procedure.pdf",
            "Agreed referral procedure between shelters",
            "pdf",
        ),
        "invitation": None,
        "join_request": None,
    },
]

VISITS_CSV = (
    "week,district,organisation,focus\n"
    "2025-W03,Osh city,Osh Safe Migration Centre,recruitment agencies\n"
    "2025-W06,Kara-Suu,Osh Safe Migration Centre,border crossing points\n"
    "2025-W09,Uzgen,Osh Safe Migration Centre,labour migration information desks\n"
    "2025-W12,Aravan,Osh Safe Migration Centre,schools and youth centres\n"
)

REFERRAL_PROCEDURE = [
    "Referral procedure between shelters (demo document)",
    "",
    "1. The referring shelter calls the receiving shelter and confirms a free place.",
    "2. Only the case number and the support needed are shared, never a name.",
    "3. The receiving shelter confirms arrival to the referring shelter the same day.",
    "4. Follow-up is recorded in the monitoring report of the receiving workspace.",
]


def ensure_site_role_groups():
    """The groups come with their permissions from the members/0005 migration;
    this only makes sure they exist, without touching what an admin changed."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in SITE_ROLES}
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for group in groups.values():
        group.permissions.add(access_admin)
    return groups


def _ensure_account(ctx, email, first, last, *, staff=False, superuser=False):
    user, created = User.objects.get_or_create(email=email)
    user.first_name, user.last_name = first, last
    user.is_staff, user.is_superuser, user.is_active = staff, superuser, True
    user.set_password(ctx.password)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    ctx.say(f"{'created' if created else 'updated'} {email}")
    return user


def load_accounts(ctx):
    ensure_site_role_groups()
    users = {}
    for email, first, last, staff, superuser, groups in DEMO_ACCOUNTS:
        user = _ensure_account(ctx, email, first, last, staff=staff, superuser=superuser)
        user.groups.set(Group.objects.filter(name__in=groups))
        users[email] = user
    ctx.made["users"] = users


def _demo_file(kind, name):
    if kind == "pdf":
        return SimpleUploadedFile(
            name, simple_pdf(REFERRAL_PROCEDURE, title=name), "application/pdf"
        )
    return SimpleUploadedFile(name, VISITS_CSV.encode("utf-8"), "text/csv")


def _ensure_workspace(ctx, spec, organisations, users):
    workspace = Workspace.objects.filter(slug=spec["slug"]).first()
    owner = users[spec["owner"]]
    if workspace is None:
        workspace = create_workspace(
            owner=owner,
            slug=spec["slug"],
            name=spec["name"],
            description=spec["description"],
            organisation=organisations[spec["organisation"]],
            visibility=spec["visibility"],
        )
        ctx.say(f"created workspace {spec['slug']}")
    elif not Membership.objects.filter(workspace=workspace, user=owner).exists():
        set_membership(workspace, owner, "owner", actor=None, via="demo")

    for email, role in spec["members"]:
        if not Membership.objects.filter(workspace=workspace, user=users[email]).exists():
            set_membership(workspace, users[email], role, actor=None, via="demo")

    # Seed threads only into a workspace without any: members may have renamed
    # or deleted them since, and a rerun must not bring them back twice.
    seed = not Discussion.objects.filter(workspace=workspace).exists()
    for author, title, body, replies in spec["discussions"] if seed else []:
        discussion = discussions.start_discussion(
            workspace, users[author], title, body, notify=False
        )
        for reply_author, text in replies:
            discussions.add_comment(discussion, users[reply_author], text, notify=False)
        ctx.say(f"{spec['slug']}: discussion “{title}”")

    name, description, kind = spec["file"]
    if not WorkspaceFile.objects.filter(workspace=workspace, original_name=name).exists():
        files.store_upload(workspace, _demo_file(kind, name), owner, description, notify=False)
        ctx.say(f"{spec['slug']}: file {name}")

    if spec["invitation"]:
        email, role = spec["invitation"]
        open_invitation = Invitation.objects.filter(workspace=workspace, email=email).open()
        if (
            not open_invitation.exists()
            and not Membership.objects.filter(workspace=workspace, user__email=email).exists()
        ):
            _invitation, token = invitations.create_invitation(workspace, email, role, actor=owner)
            link = absolute_url(reverse("members:invitation_accept", kwargs={"token": token}))
            ctx.say(f"{spec['slug']}: invitation for {email}: {link}")

    if spec["join_request"]:
        email, message = spec["join_request"]
        asker = users[email]
        if not (
            JoinRequest.objects.filter(workspace=workspace, user=asker).exists()
            or Membership.objects.filter(workspace=workspace, user=asker).exists()
        ):
            joining.request_to_join(workspace, asker, message)
            ctx.say(f"{spec['slug']}: join request from {email}")
    return workspace


def load_workspaces(ctx):
    organisations = ensure_organisations(ctx)

    users = {}
    for email, first, last, organisation in MEMBER_ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None or email not in ctx.made.get("users", {}):
            user = _ensure_account(ctx, email, first, last)
        if user.organisation_id is None:
            # People of verified organisations are network members.
            user.organisation = organisations[organisation]
            user.save(update_fields=["organisation"])
        users[email] = user

    ctx.made["workspaces"] = {
        spec["slug"]: _ensure_workspace(ctx, spec, organisations, users) for spec in WORKSPACES
    }
