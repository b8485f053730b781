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
