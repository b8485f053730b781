"""Who sees and who manages the service directory: one function per action,
in portal.core.policy's Decision shape, asked by the /services/ page, the
get-help page, search and the Wagtail admin alike.

- Anyone: the active providers marked ``public`` (get-help page, public
  search), never their internal notes.
- Network members (the ``network`` audience token: verified member
  organisations and coordinators, second factor passed): every active
  provider, with internal notes, on /services/ and in their search.
- Network coordinators and superusers: add and change providers in the admin.
  Nobody deletes one: a provider is deactivated, since the audit log (and
  the referrals to come) refer to it.
"""

from django.utils.translation import gettext_lazy as _

from portal.core.audience import NETWORK, audiences_for
from portal.core.policy import ALLOWED, NOT_FOUND, refuse
from portal.core.roles import is_network_coordinator

from .models import ServiceProvider


def _in_network(user, tokens=None):
    tokens = audiences_for(user) if tokens is None else tokens
    return NETWORK in tokens


def can_view_directory(user, tokens=None):
    """The whole directory (/services/), internal notes included."""
    if _in_network(user, tokens):
        return ALLOWED
    # Outsiders may not learn which providers the network keeps unlisted.
    return refuse(
        _("The service directory is for people of verified member organisations."), NOT_FOUND
    )


def can_see_internal_notes(user, tokens=None):
    return can_view_directory(user, tokens)


def providers_visible_to(user, tokens=None):
    """The providers this person may see at all."""
    if _in_network(user, tokens):
        return ServiceProvider.objects.active()
    return ServiceProvider.objects.public()


def can_manage_directory(user):
    """Add, change and deactivate providers (Wagtail admin)."""
    if is_network_coordinator(user):
        return ALLOWED
    return refuse(_("Only network coordinators manage the service directory."))
