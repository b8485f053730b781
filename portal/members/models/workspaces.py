from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from guardian.shortcuts import get_objects_for_user

# Object permissions on a workspace. Roles map onto these in permissions.py,
# which is the only code that grants or revokes them.
PERM_VIEW = "view_workspace"
PERM_CONTRIBUTE = "contribute_workspace"
PERM_MODERATE = "moderate_workspace"
PERM_ADMINISTER = "administer_workspace"
PERM_READ_AUDIT = "read_audit_workspace"


# Words used by /workspaces/<word>/ pages that are not workspaces.
RESERVED_SLUGS = frozenset({"network", "invitations", "notifications", "new", "join"})


def validate_workspace_slug(value):
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is reserved for the portal's own pages; choose another address."),
            params={"slug": value},
        )


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Private: only its members know it exists")
    NETWORK = "network", _("Network: verified members may see its name and ask to join")


class WorkspaceQuerySet(models.QuerySet):
    def for_user(self, user):
        """Workspaces the user may open: one SQL query over the object permission
        table (direct foreign key), never a Python loop over all workspaces."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return get_objects_for_user(
            user, f"members.{PERM_VIEW}", klass=self, accept_global_perms=False
        )

    def ids_for_user(self, user):
        """The ids of ``for_user(user)`` as a set, from one plain SQL query.

        Every search and every API call asks it (a person's audience tokens):
        building guardian's nested query through the ORM cost about 8 ms a
        call here, this query under 1 ms. tests/members/test_workspace_ids.py
        holds the two answers equal for members, groups, superusers and
        people without access."""
        if not user.is_authenticated or not user.is_active:
            return set()
        if user.is_superuser:
            # As guardian's get_objects_for_user: every permission on every object.
            return set(self.values_list("pk", flat=True))
        own = WorkspaceUserObjectPermission._meta.db_table
        grouped = WorkspaceGroupObjectPermission._meta.db_table
        user_groups = get_user_model().groups.through._meta.db_table
        # The permission's id found once, up front: written as joins on both
        # sides of the UNION, planning the eight-table query cost 3 of its 4 ms.
        # Table names come from the models, every value is a parameter.
        sql = (
            "WITH perm AS (SELECT a.id FROM auth_permission a "  # noqa: S608
            "JOIN django_content_type ct ON ct.id = a.content_type_id "
            "WHERE a.codename = %s AND ct.app_label = %s AND ct.model = %s) "
            f"SELECT content_object_id FROM {own} "
            "WHERE permission_id = (SELECT id FROM perm) AND user_id = %s "
            f"UNION SELECT p.content_object_id FROM {grouped} p "
            f"JOIN {user_groups} ug ON ug.group_id = p.group_id "
            "WHERE p.permission_id = (SELECT id FROM perm) AND ug.user_id = %s"
        )
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [PERM_VIEW, "members", "workspace", user.pk, user.pk])
            return {row[0] for row in cursor.fetchall()}

    def active(self):
        return self.filter(archived_at__isnull=True)

    def network_directory(self):
        """Workspaces whose name verified network members may see, to ask to join."""
        return self.active().filter(visibility=Visibility.NETWORK)


class MembershipQuerySet(models.QuerySet):
    def by_role(self):
        """Owners first, then managers, members and observers; by name within each."""
        order = models.Case(
            *(models.When(role=role, then=models.Value(n)) for n, role in enumerate(Role)),
            output_field=models.IntegerField(),
        )
        return self.annotate(role_order=order).order_by(
            "role_order", "user__first_name", "user__last_name", "user__email"
        )


class Workspace(models.Model):
    """A private collaboration space of member NGOs."""

    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        validators=[validate_workspace_slug],
        help_text=_("Its address: /workspaces/<slug>/. Letters, digits and hyphens."),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Visible to workspace members only.")
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("host organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workspaces",
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    archived_at = models.DateTimeField(
        _("archived at"),
        null=True,
        blank=True,
        help_text=_("An archived workspace is read-only until it is restored."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set only through portal.members.retention.set_legal_hold (coordinators,
    # audited): never in a form the workspace's own people can post.
    legal_hold = models.BooleanField(
        _("legal hold"),
        default=False,
        editable=False,
        help_text=_(
            "Nothing in a held workspace is purged at the end of its retention period. "
            "Set by the network coordinators."
        ),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="members.Membership", related_name="workspaces"
    )

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("workspace")
        verbose_name_plural = _("workspaces")
        permissions = [
            (PERM_CONTRIBUTE, "Can post, upload and write reports in the workspace"),
            (PERM_MODERATE, "Can moderate, review and share in the workspace"),
            (PERM_ADMINISTER, "Can administer the workspace (roles, archive, transfer)"),
            (PERM_READ_AUDIT, "Can read the workspace's audit log"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:workspace_detail", kwargs={"slug": self.slug})

    @property
    def is_archived(self):
        return self.archived_at is not None


class Membership(models.Model):
    """A person's role in a workspace. Create, change and delete these only
    through portal.members.permissions so object permissions follow."""

    workspace = models.ForeignKey(
        Workspace,
        verbose_name=_("workspace"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Member"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("Since"), auto_now_add=True)
    # Per membership, not per person: "what changed since your last visit" is
    # about each workspace. Null until the first visit (joined_at counts then).
    last_visited_at = models.DateTimeField(
        _("last visit"),
        null=True,
        blank=True,
        help_text=_("When the person last opened the workspace; My workspaces counts news since."),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["workspace", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="one_membership_per_person")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} in {self.workspace} ({self.get_role_display()})"


class WorkspaceUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign key instead of guardian's generic table: indexed joins."""

    content_object = models.ForeignKey(Workspace, on_delete=models.CASCADE)


class WorkspaceGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Workspace, on_delete=models.CASCADE)
