"""The audit actions of the service directory (registered with
portal.core.audit_actions; written through portal.members.audit.record). The detail "fields" (names of
the changed fields, never their values) is registered by portal.members."""

from django.utils.translation import gettext_lazy as _

from portal.core import audit_actions

PROVIDER_CREATED = audit_actions.register(
    "referrals.provider_created", _("Service provider added to the directory")
)
PROVIDER_CHANGED = audit_actions.register(
    "referrals.provider_changed", _("Service provider changed")
)
PROVIDER_DEACTIVATED = audit_actions.register(
    "referrals.provider_deactivated", _("Service provider deactivated")
)

# Referrals: every status and every transition (issue 16). Details carry ids,
# codes and field names, never the needs, the case data or a message.
REFERRAL_SENT = audit_actions.register("referrals.sent", _("Case referred"))
REFERRAL_CONSENT_OVERRIDDEN = audit_actions.register(
    "referrals.consent_overridden", _("Case referred without consent (override)")
)
REFERRAL_CHANGED = audit_actions.register("referrals.changed", _("Referral changed"))
REFERRAL_VIEWED = audit_actions.register("referrals.viewed", _("Referral viewed"))
REFERRAL_ACCEPTED = audit_actions.register("referrals.accepted", _("Referral accepted"))
REFERRAL_DECLINED = audit_actions.register("referrals.declined", _("Referral declined"))
REFERRAL_REVOKED = audit_actions.register("referrals.revoked", _("Referral revoked"))
REFERRAL_CLOSED = audit_actions.register("referrals.closed", _("Referral closed"))
REFERRAL_MESSAGE = audit_actions.register("referrals.message_posted", _("Message on a referral"))
REFERRAL_STEP = audit_actions.register("referrals.step_recorded", _("Follow-up step recorded"))
REFERRAL_DOCUMENT_UPLOADED = audit_actions.register(
    "referrals.document_uploaded", _("Referral document uploaded")
)
REFERRAL_DOCUMENT_DOWNLOADED = audit_actions.register(
    "referrals.document_downloaded", _("Referral document downloaded")
)
REFERRAL_DOCUMENT_REFUSED = audit_actions.register(
    "referrals.document_refused", _("Referral document refused (data residency)")
)
REFERRAL_OVERDUE_ESCALATED = audit_actions.register(
    "referrals.overdue_escalated", _("Overdue referral reported to the coordinators")
)


def register_details():
    """The detail keys referrals store, named for the log's readers."""
    from portal.core.audit_actions import CODE, NUMBER, register_detail

    from .models import Service
    from .vocabulary import ConsentGiver, ConsentMethod, Outcome, Phase, Status, Urgency

    register_detail("referral", _("Referral"))
    register_detail("provider", _("Provider no."), kind=NUMBER)
    register_detail("to_workspace", _("To workspace"), kind=CODE)
    register_detail("from_workspace", _("From workspace"), kind=CODE)
    register_detail("phase", _("TRM phase"), values=Phase.choices)
    register_detail("urgency", _("Urgency"), values=Urgency.choices)
    register_detail("services", _("Services"), values=Service.choices)
    register_detail("status", _("Status"), values=Status.choices)
    register_detail("referral_outcome", _("Outcome"), values=Outcome.choices)
    register_detail("consent_by", _("Consent given by"), values=ConsentGiver.choices)
    register_detail("consent_method", _("Consent obtained"), values=ConsentMethod.choices)
    register_detail("overdue_hours", _("Hours overdue"), kind=NUMBER)
    register_detail("citizenship", _("Citizenship"), kind=CODE)
