"""Demo workspaces (data/workspaces.json): osh-monitoring and andijan-shelters
with their people, discussions, a file each, an invitation and a join request.

Idempotent: reruns add whatever workspace content is missing, but never change
or duplicate what is already there (a member may have changed it). Everything
goes through the members app's services, as a person's actions would."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.members import discussions, files, invitations, joining
from portal.members.mail import absolute_url
from portal.members.models import (
    Discussion,
    Invitation,
    JoinRequest,
    Membership,
    User,
    Workspace,
    WorkspaceFile,
)
from portal.members.pdf import simple_pdf
from portal.members.permissions import create_workspace, set_membership

from .. import data
from .accounts import ensure_account
from .organisations import ensure_organisations


def _demo_file(spec):
    name, text = spec["name"], spec["text"]
    if spec["kind"] == "pdf":
        return SimpleUploadedFile(
            name, simple_pdf(text.splitlines(), title=name), "application/pdf"
        )
    return SimpleUploadedFile(name, text.encode("utf-8"), "text/csv")


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

    for member in spec["members"]:
        user = users[member["email"]]
        if not Membership.objects.filter(workspace=workspace, user=user).exists():
            set_membership(workspace, user, member["role"], actor=None, via="demo")

    # Seed threads only into a workspace without any: members may have renamed
    # or deleted them since, and a rerun must not bring them back twice.
    seed = not Discussion.objects.filter(workspace=workspace).exists()
    for thread in spec["discussions"] if seed else []:
        discussion = discussions.start_discussion(
            workspace, users[thread["author"]], thread["title"], thread["body"], notify=False
        )
        for reply in thread["replies"]:
            discussions.add_comment(discussion, users[reply["author"]], reply["text"], notify=False)
        ctx.say(f"{spec['slug']}: discussion “{thread['title']}”")

    stored = spec["file"]
    name = stored["name"]
    if not WorkspaceFile.objects.filter(workspace=workspace, original_name=name).exists():
        files.store_upload(
            workspace, _demo_file(stored), owner, stored["description"], notify=False
        )
        ctx.say(f"{spec['slug']}: file {name}")

    if spec["invitation"]:
        email, role = spec["invitation"]["email"], spec["invitation"]["role"]
        open_invitation = Invitation.objects.filter(workspace=workspace, email=email).open()
        if (
            not open_invitation.exists()
            and not Membership.objects.filter(workspace=workspace, user__email=email).exists()
        ):
            _invitation, token = invitations.create_invitation(workspace, email, role, actor=owner)
            link = absolute_url(reverse("members:invitation_accept", kwargs={"token": token}))
            ctx.say(f"{spec['slug']}: invitation for {email}: {link}")

    if spec["join_request"]:
        email, message = spec["join_request"]["email"], spec["join_request"]["message"]
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
    for account in data.accounts()["members"]:
        email = account["email"]
        user = User.objects.filter(email=email).first()
        if user is None or email not in ctx.made.get("users", {}):
            user = ensure_account(ctx, email, account["first_name"], account["last_name"])
        if user.organisation_id is None:
            # People of verified organisations are network members.
            user.organisation = organisations[account["organisation"]]
            user.save(update_fields=["organisation"])
        users[email] = user

    ctx.made["workspaces"] = {
        spec["slug"]: _ensure_workspace(ctx, spec, organisations, users)
        for spec in data.workspaces()
    }
