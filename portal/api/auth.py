"""How API callers prove who they are.

- Partner tokens (``Authorization: Bearer fnp_…``) for the anonymised export:
  missing, unknown, expired or revoked -> 401; valid but without the scope -> 403.
- The browser session of a signed-in member for workspace data: anonymous ->
  401; a session that has not passed the second factor where the portal asks
  for it (portal.members.second_factor) -> 403. CSRF is checked for unsafe methods
  (the API is read-only today).

Both also apply the API's abuse limits (``limits``): 429 with Retry-After.
"""

from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from portal.members.audience import mfa_blocks_restricted_access

from . import limits, tokens


class PartnerToken(HttpBearer):
    def __init__(self, scope):
        self.scope = scope
        super().__init__()

    def authenticate(self, request, token):
        limits.check_refused_tokens(request)
        try:
            api_token = tokens.check_token(token)
        except tokens.TokenRefused as refused:
            limits.count_refused_token(request)
            tokens.record_use(
                refused.token,
                request,
                outcome=refused.reason,
                scope=self.scope,
                presented_prefix=tokens.presented_prefix(token),
            )
            return None
        limits.check_token(request, api_token)
        if not api_token.has_scope(self.scope):
            tokens.record_use(api_token, request, outcome=tokens.MISSING_SCOPE, scope=self.scope)
            raise HttpError(
                403, _("This token does not have the scope “%(scope)s”.") % {"scope": self.scope}
            )
        tokens.record_use(api_token, request, outcome=tokens.ACCEPTED, scope=self.scope)
        return api_token


class MemberSession(SessionAuth):
    """The signed-in person, as on the web pages."""

    def authenticate(self, request, key):
        user = request.user
        if not user.is_authenticated or not user.is_active:
            return None
        if mfa_blocks_restricted_access(user):
            raise HttpError(
                403,
                _(
                    "Set up an authenticator app, or sign in with its code, "
                    "before you open workspace data."
                ),
            )
        limits.check_member(request, user)
        return user
