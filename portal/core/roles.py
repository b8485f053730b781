"""Site-wide roles, as Django groups (DESIGN "Accounts and permissions").

Separation of duties: page editors publish pages and nothing else; network
coordinators run the network (organisations, workspaces, memberships, the full
audit log, approvals). Superusers are both. The group names are fixed here so
every app, the demo and the data migration that creates the groups agree.
"""

from django.contrib.auth import get_user_model

EDITORS = "Editors"
NETWORK_COORDINATORS = "Network coordinators"
SITE_ROLES = (EDITORS, NETWORK_COORDINATORS)


def _in_group(user, name):
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    # groups are prefetched by the admin's user lists; a query otherwise.
    return any(group.name == name for group in user.groups.all())


def is_network_coordinator(user):
    return _in_group(user, NETWORK_COORDINATORS)


def is_editor(user):
    return _in_group(user, EDITORS)


def coordinators():
    """The network coordinators who can be mailed (the office's alerts:
    overdue subject requests, long-overdue referrals)."""
    return (
        get_user_model()
        .objects.filter(groups__name=NETWORK_COORDINATORS, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
