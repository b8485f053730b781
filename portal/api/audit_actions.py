"""The audit actions of API tokens (registered with portal.core.audit_actions)."""

from django.utils.translation import gettext_lazy as _

from portal.core import audit_actions
from portal.core.audit_actions import CODE, MOMENT, NUMBER, SECONDS, register_detail

API_TOKEN_USED = audit_actions.register("api_token.used", _("API token used"))
API_TOKEN_CREATED = audit_actions.register("api_token.created", _("API token created"))
API_TOKEN_REVOKED = audit_actions.register("api_token.revoked", _("API token revoked"))


def register_details():
    """The detail keys of token use and refusals (called from the app's ready())."""
    from .models import Scope

    outcomes = {
        "accepted": _("accepted"),
        "unknown": _("refused: unknown token"),
        "revoked": _("refused: revoked token"),
        "expired": _("refused: expired token"),
        "missing_scope": _("refused: scope not granted"),
    }
    register_detail("prefix", _("Token"))
    register_detail("token_prefix", _("Token"))
    register_detail("scopes", _("Scopes"))
    audit_actions.register_values(("scope", "scopes"), Scope.choices)
    register_detail("expires_at", _("Expires"), kind=MOMENT)
    register_detail("outcome", _("Outcome"), values=outcomes)
    register_detail("method", _("Request method"), kind=CODE)
    register_detail("path", _("Address"))
    register_detail("window_start", _("Counted from"), kind=MOMENT)
    register_detail("window_seconds", _("Counting window"), kind=SECONDS)
    register_detail("first_outcome", _("First refusal"), values=outcomes)
    register_detail("count", _("Refusals"), kind=NUMBER)
