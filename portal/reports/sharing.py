"""What sharing a report with the network makes visible, and to whom: the
numbers the confirmation page shows before a manager confirms."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q

from portal.members.models import Organisation


@dataclass(frozen=True)
class SharingReach:
    case_count: int
    organisations: int
    people: int
    office_approval: bool


def network_people():
    """Accounts that read reports shared with the network: the rule of
    portal.members.audience.is_network_member, as one query."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(organisation__verified=True) | Q(is_staff=True))
    )


def sharing_reach(report):
    return SharingReach(
        case_count=report.cases.count(),
        organisations=Organisation.objects.filter(verified=True).count(),
        people=network_people().count(),
        office_approval=settings.PORTAL_SHARING_REQUIRES_OFFICE_APPROVAL,
    )
