"""The audit actions of API tokens (registered with portal.core.audit_actions)."""

from django.utils.translation import gettext_lazy as _

from portal.core import audit_actions

API_TOKEN_USED = audit_actions.register("api_token.used", _("API token used"))
API_TOKEN_CREATED = audit_actions.register("api_token.created", _("API token created"))
API_TOKEN_REVOKED = audit_actions.register("api_token.revoked", _("API token revoked"))
