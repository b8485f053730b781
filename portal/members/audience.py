"""Who may see what: audiences as tokens.

Everything the portal shows or indexes carries audience tokens:

- ``public``: anyone;
- ``network``: people of verified member organisations and network
  coordinators (portal.core.roles; being staff or an editor is not enough);
- ``workspace:<id>``: members of that workspace.

A person sees an object when their tokens and the object's tokens meet. Views,
querysets and the search index all use ``audiences_for`` so that search can
never show a thing its page would refuse.
"""

from portal.core.roles import is_network_coordinator

from . import second_factor
from .models import Workspace

PUBLIC = "public"
NETWORK = "network"
_WORKSPACE_PREFIX = "workspace:"


def workspace_token(workspace_or_id):
    pk = getattr(workspace_or_id, "pk", workspace_or_id)
    return f"{_WORKSPACE_PREFIX}{pk}"


def workspace_ids(tokens):
    return {int(t[len(_WORKSPACE_PREFIX) :]) for t in tokens if t.startswith(_WORKSPACE_PREFIX)}


def is_office_staff(user):
    # The office that runs the network: coordinators, not whoever is staff
    # (page editors are staff and must not read network material by it).
    return is_network_coordinator(user)


def is_network_member(user):
    """People of verified member NGOs, and the network coordinators."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_network_coordinator(user):
        return True
    organisation = user.organisation
    return bool(organisation and organisation.verified)


def mfa_blocks_restricted_access(user):
    """The person sees public material only, everywhere (pages, API, search),
    until this session passes the second factor (or, with PORTAL_REQUIRE_MFA
    on, until they set one up). The rule lives in portal.members.second_factor:
    it asks the current request's session, not merely whether a device exists."""
    return second_factor.blocks_restricted_access(user)


def audiences_for(user):
    """The tokens of everything this person may see, read fresh from the
    database (a removed membership counts from the next request on)."""
    tokens = {PUBLIC}
    if not user.is_authenticated or not user.is_active or mfa_blocks_restricted_access(user):
        return frozenset(tokens)
    if is_network_member(user):
        tokens.add(NETWORK)
    tokens.update(
        workspace_token(pk) for pk in Workspace.objects.for_user(user).values_list("pk", flat=True)
    )
    return frozenset(tokens)


def can_see(user, object_tokens, user_tokens=None):
    user_tokens = audiences_for(user) if user_tokens is None else user_tokens
    return not user_tokens.isdisjoint(object_tokens)
