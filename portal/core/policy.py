"""The common shape of a permission answer, and the error a refused action raises.

Each action has one function that decides it (``portal.reports.policy`` for
reports), asked alike by the page that offers a button, the service that does
the work and the API. The answer is a ``Decision``: allowed, or refused with a
message for the person and the HTTP status the refusal deserves. A service
that is refused raises ``ActionRefused`` (as Wagtail's ``actions/*.py`` raise
their permission errors from ``check()``), and each surface translates it in
its own way: a page shows the message (403, 404, or a message on the page the
person came from), the API returns it as JSON with the same status.

The statuses say how much the person may learn:

- ``NOT_FOUND`` (404): the person may not know that the thing exists (a
  report of a workspace they do not belong to). Same answer as a made-up id.
- ``FORBIDDEN`` (403): they can see the thing but their role does not allow
  the action (an observer asking to submit).
- ``CONFLICT`` (409): they may do it, just not now (editing a submitted
  report, reviewing what they wrote): pages show the message on the report
  rather than an error page, so the person sees why and what to do.

Permission answers come from four mechanisms; each answers in this shape:

1. *Guardian object permissions* on a workspace (granted and revoked only by
   ``portal.members.permissions``): the person's role. A missing view
   permission is ``NOT_FOUND``, a missing role permission ``FORBIDDEN``
   (``portal.reports.policy.decide`` asks them for every report action).
2. *Audience tokens* (``portal.core.audience``): what a person may read at all,
   with the second-factor gate of the current session. Not seeing a thing is
   ``NOT_FOUND`` (``portal.reports.policy.readable_report``).
3. *ReportAccess* (``portal.reports.policy.report_access``): every report
   action's ``Decision`` for one person and one report, built by the same
   ``decide`` the services call, so a template shows a button exactly when the
   service would act. Its boolean fields are the decisions' ``allowed``.
4. *The admin policy* (``portal.members.admin_policies.NetworkPolicy``):
   Wagtail's permission-policy interface for the members' models in the
   admin, which answers booleans to Wagtail, whose admin turns a refusal into
   its own 403 page; it stays in Wagtail's shape because Wagtail asks it.
"""

from dataclasses import dataclass

FORBIDDEN = 403
NOT_FOUND = 404
CONFLICT = 409


class ActionRefused(Exception):
    """The person may not do this (``status`` says how to answer); ``message``
    is for them, already translated."""

    status = FORBIDDEN

    def __init__(self, message, *, status=None):
        super().__init__(message)
        self.message = str(message)
        if status is not None:
            self.status = status


@dataclass(frozen=True)
class Decision:
    allowed: bool
    message: str = ""
    status: int = FORBIDDEN
    # The refusal's own type, for callers that tell refusals apart (for example
    # a workflow refusal that pages show as a message): an ActionRefused subclass.
    error: type = ActionRefused

    def __bool__(self):
        return self.allowed

    def require(self):
        """Nothing when allowed; else raise the refusal."""
        if not self.allowed:
            raise self.error(self.message, status=self.status)


ALLOWED = Decision(True)


def refuse(message, status=FORBIDDEN, error=ActionRefused):
    return Decision(False, str(message), status, error)
