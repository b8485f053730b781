"""Which audience tokens a person holds (portal.core.audience has the tokens
and the rule): ``public`` always; ``network`` for people of verified member
organisations and the network coordinators (portal.core.roles; being staff or
an editor is not enough); ``workspace:<id>`` for each workspace they belong to.
Registered as core's provider in MembersConfig.ready.
"""

from portal.core.audience import NETWORK, PUBLIC, workspace_token
from portal.core.roles import is_network_coordinator

from . import second_factor
from .models import Workspace


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


def tokens_for(user):
    """The tokens of everything this person may see, read fresh from the
    database (a removed membership counts from the next request on)."""
    tokens = {PUBLIC}
    if not user.is_authenticated or not user.is_active or mfa_blocks_restricted_access(user):
        return frozenset(tokens)
    if is_network_member(user):
        tokens.add(NETWORK)
    tokens.update(workspace_token(pk) for pk in Workspace.objects.ids_for_user(user))
    return frozenset(tokens)
