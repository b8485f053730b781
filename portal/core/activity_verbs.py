"""The verbs of a workspace's activity stream ("started a discussion",
"submitted a monitoring report for review") and how the stream reads them.

Each app registers its own from ``AppConfig.ready()`` or the module that
records them, the same way it registers its audit actions
(portal.core.audit_actions)::

    from portal.core import activity_verbs
    REPORT_SUBMITTED = activity_verbs.register(
        "report_submitted", _("submitted a monitoring report for review")
    )

Verbs are plain strings stored as they are (no model choices), so a new kind
of event needs no migration of the activity table.
"""

from .registries import register_once

_verbs = {}
# Verbs only people with a workspace permission may see in its stream (a
# referral's events are for its case workers, never for observers).
_perms = {}


def register(code, label, *, perm=None):
    """Register ``code`` and return it, so a module can name its constant by it.
    The same code registered twice with another label would make one app's
    events read like another's: refused. With ``perm`` (a workspace permission
    codename), the stream shows the event only to people who hold it."""
    register_once(_verbs, code, label, what="activity verb")
    if perm:
        _perms[code] = perm
    return code


def hidden_from(perms):
    """The verbs a person with these workspace permissions may not see."""
    return frozenset(code for code, perm in _perms.items() if perm not in perms)


def label(code):
    """The words the stream shows; an unknown code (an app since removed) as itself."""
    return _verbs.get(code, code)


def codes():
    return frozenset(_verbs)
