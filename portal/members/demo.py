"""Demo accounts (see README). Idempotent: reruns reset names, flags and password."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission

from .models import User

OFFICE_EDITORS = "Office editors"

DEMO_ACCOUNTS = [
    # email, first name, last name, staff, superuser, groups
    ("admin@example.org", "Portal", "Administrator", True, True, []),
    ("editor@example.org", "Office", "Editor", True, False, [OFFICE_EDITORS]),
    ("alia@example.org", "Alia", "Toktosunova", False, False, []),
    ("bakyt@example.org", "Bakyt", "Yuldashev", False, False, []),
]


def ensure_office_editors_group():
    group, _ = Group.objects.get_or_create(name=OFFICE_EDITORS)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    return group


def load_accounts(ctx):
    ensure_office_editors_group()
    users = {}
    for email, first, last, staff, superuser, groups in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(email=email)
        user.first_name, user.last_name = first, last
        user.is_staff, user.is_superuser, user.is_active = staff, superuser, True
        user.set_password(ctx.password)
        user.save()
        user.groups.set(Group.objects.filter(name__in=groups))
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        users[email] = user
        ctx.say(f"{'created' if created else 'updated'} {email}")
    ctx.made["users"] = users
