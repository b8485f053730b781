"""The referrals' retention kind (portal.core.retention): a finished referral
with its thread, follow-up steps and documents (their files included).

Closed means the moment it finished: closed (closed_at), revoked by the
sender (revoked_at) or declined by the recipient (responded_at). An open
referral (waiting or accepted) never expires, however old: someone still
works on it.

Held: the referral's own legal hold (set by a coordinator in the admin), or
a hold on either side's workspace, or on the monitoring report its case
record belongs to: proceedings about a case keep what was done for it.

The audit events of a referral stay (they name its reference, never its
content), as does the sender's case record: only the referral goes. An
archived workspace that a referral still names waits for it (the referral
must not lose a side): the "workspaces" kind purges it on a later run.
"""

from django.db.models import Case, DateTimeField, F, Q, When
from django.utils.translation import gettext_lazy as _

from portal.core import retention

from .models import Referral, ReferralDocument
from .vocabulary import FINISHED_STATUSES, Status

CODE = "referrals"
LABEL = _("Referrals with their thread, steps and documents")

_HELD = (
    Q(legal_hold=True)
    | Q(from_workspace__legal_hold=True)
    | Q(to_workspace__legal_hold=True)
    | Q(case__report__legal_hold=True)
)


def expired_referrals(cutoff):
    return (
        Referral.objects.filter(status__in=FINISHED_STATUSES)
        .annotate(
            retention_closed=Case(
                When(status=Status.CLOSED, then=F("closed_at")),
                When(status=Status.REVOKED, then=F("revoked_at")),
                When(status=Status.DECLINED, then=F("responded_at")),
                output_field=DateTimeField(),
            )
        )
        .filter(retention_closed__lt=cutoff)
        .exclude(_HELD)
    )


def referral_is_held(referral):
    return Referral.objects.filter(pk=referral.pk).filter(_HELD).exists()


def purge_referral(referral):
    blobs = [
        (document.file.storage, document.file.name)
        for document in ReferralDocument.objects.filter(referral=referral)
        if document.file.name
    ]
    referral.delete()  # cascades: messages, steps, documents
    return blobs


def register():
    retention.register(
        retention.RetentionKind(
            code=CODE,
            label=LABEL,
            closed=_("closure, revocation or the answer that declined it (open ones are kept)"),
            expired=expired_referrals,
            purge=purge_referral,
            held=referral_is_held,
        )
    )
    # A referral names both workspaces (and they cannot go from under it): an
    # archived workspace past its period waits until its referrals are purged.
    retention.keep_while("workspaces", _workspaces_with_referrals)
    from portal.core import audit_actions

    audit_actions.register_values("retention_kind", {CODE: LABEL})


def _workspaces_with_referrals(workspaces):
    return workspaces.filter(
        Q(pk__in=Referral.objects.values("from_workspace"))
        | Q(pk__in=Referral.objects.values("to_workspace"))
    )


def set_legal_hold(actor, referral, held):
    """Hold or release one referral (coordinators; audited in both sides' logs,
    by its reference). The rule and the record are members' set_legal_hold."""
    from portal.members.retention import set_legal_hold as hold

    return hold(
        actor,
        referral,
        held,
        workspaces=(referral.from_workspace, referral.to_workspace),
        retention_kind=CODE,
        referral=referral.reference,
    )
