"""factory_boy factories shared by the suite."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

DEFAULT_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    is_active = True

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Users have a verified primary address unless made with verified=False."""
        if create and extracted is not False:
            EmailAddress.objects.update_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "members.Organisation"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Member NGO {n}")
    country = "KG"
    city = "Osh"
    verified = True


def make_workspace(owner=None, **fields):
    """A workspace with an owner, made the way the portal makes them."""
    from portal.members.permissions import create_workspace

    owner = owner or UserFactory()
    n = WorkspaceSequence.next()
    fields.setdefault("slug", f"workspace-{n}")
    fields.setdefault("name", f"Workspace {n}")
    return create_workspace(owner=owner, **fields)


def add_member(workspace, user=None, role="member"):
    """Add (or re-role) a member through the permissions module."""
    from portal.members.permissions import set_membership

    user = user or UserFactory()
    set_membership(workspace, user, role, actor=None)
    return user


class WorkspaceSequence:
    _n = 0

    @classmethod
    def next(cls):
        cls._n += 1
        return cls._n


# --- Workspace content ---------------------------------------------------------


def make_discussion(workspace, author=None, title="Referral routes for returnees", body="Opening."):
    from portal.members.discussions import start_discussion

    author = author or workspace.memberships.order_by("pk").first().user
    return start_discussion(workspace, author, title, body, notify=False)


def make_comment(discussion, author=None, body="A reply."):
    from portal.members.discussions import add_comment

    author = author or discussion.author
    return add_comment(discussion, author, body, notify=False)


def upload(name="notes.txt", content=b"Meeting notes\n", content_type="text/plain"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def make_file(workspace, user=None, name="notes.txt", content=b"Meeting notes\n", description=""):
    from portal.members.files import store_upload

    user = user or workspace.memberships.order_by("pk").first().user
    return store_upload(workspace, upload(name, content), user, description, notify=False)


def make_invitation(workspace, email="invitee@example.org", role="member", actor=None):
    """An invitation as a manager would send it, without the mail: (invitation, token)."""
    from portal.members.invitations import create_invitation

    actor = actor or workspace.memberships.order_by("pk").first().user
    return create_invitation(workspace, email, role, actor=actor)


def make_join_request(workspace, user=None, message=""):
    from portal.members.joining import request_to_join

    user = user or UserFactory(organisation=OrganisationFactory())
    return request_to_join(workspace, user, message)
