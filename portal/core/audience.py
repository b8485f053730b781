"""Who may see what: audiences as tokens. The rule every app and the search
engine share, so search can never show a thing its page would refuse.

Everything the portal shows or indexes carries audience tokens:

- ``public``: anyone;
- ``network``: people of verified member organisations and network
  coordinators;
- ``workspace:<id>``: members of that workspace.

A person sees an object when their tokens and the object's tokens meet.

Which tokens a person holds depends on memberships, which core knows nothing
about: the app that owns them (portal.members) registers the answer with
``register_provider`` from its ``AppConfig.ready``. Without a provider a
person holds ``public`` only, so a missing registration closes, never opens.
"""

PUBLIC = "public"
NETWORK = "network"
_WORKSPACE_PREFIX = "workspace:"

_provider = None


def workspace_token(workspace_or_id):
    pk = getattr(workspace_or_id, "pk", workspace_or_id)
    return f"{_WORKSPACE_PREFIX}{pk}"


def workspace_ids(tokens):
    return {int(t[len(_WORKSPACE_PREFIX) :]) for t in tokens if t.startswith(_WORKSPACE_PREFIX)}


def register_provider(provider):
    """``provider(user)`` returns the frozenset of the person's tokens."""
    global _provider
    _provider = provider


def audiences_for(user):
    """The tokens of everything this person may see, read fresh (a removed
    membership counts from the next request on)."""
    if _provider is None:
        return frozenset({PUBLIC})
    return _provider(user)


def can_see(user, object_tokens, user_tokens=None):
    user_tokens = audiences_for(user) if user_tokens is None else user_tokens
    return not user_tokens.isdisjoint(object_tokens)
