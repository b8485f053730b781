"""The "Refer this case" link on each case row of a report page, offered
through portal.core.case_actions (reports cannot import referrals)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import policy


def refer_link(user, report):
    """A link maker when ``user`` may refer this report's cases, else None.
    ``policy.can_refer`` depends on the case's workspace only, so one case
    answers for every row of the page."""
    case = report.cases.order_by("pk").first()
    if case is None:
        return None
    case.report = report
    if not policy.can_refer(user, case):
        return None
    slug = report.workspace.slug

    def link(record):
        url = reverse("workspace_referrals:create", kwargs={"slug": slug, "case_id": record.pk})
        return (_("Refer this case"), url)

    return link
