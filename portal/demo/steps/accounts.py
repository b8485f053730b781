"""Demo accounts (see README; data/accounts.json).

Idempotent: reruns reset the demo accounts' names, flags and password, never
duplicate them."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission

from portal.core.roles import SITE_ROLES
from portal.members.models import User

from .. import data


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


def ensure_account(ctx, email, first, last, *, staff=False, superuser=False):
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
    # Staff alone grants nothing: the groups decide (see README "Roles").
    for account in data.accounts()["site_accounts"]:
        user = ensure_account(
            ctx,
            account["email"],
            account["first_name"],
            account["last_name"],
            staff=account["staff"],
            superuser=account["superuser"],
        )
        user.groups.set(Group.objects.filter(name__in=account["groups"]))
        users[account["email"]] = user
    ctx.made["users"] = users
