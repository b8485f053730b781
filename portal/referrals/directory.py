"""Writes and reads of the service directory. Every add and change goes
through ``save_provider``, which checks the role and audits it; the admin and
the demo call it, views never save a provider themselves."""

from django.db import transaction
from django.utils import translation

from portal.core.countries import country_name, in_reading_order
from portal.members import audit

from . import audit_actions
from .models import ServiceProvider
from .policy import can_manage_directory

# What the audit log names when a provider changes: every editable field.
AUDITED_FIELDS = (
    "organisation",
    "name",
    "services",
    "country",
    "region",
    "city",
    "languages",
    "opening_hours",
    "phone",
    "email",
    "website",
    "accepts_referrals",
    "receiving_workspace",
    "public",
    "notes_internal",
    "active",
)


# Foreign keys are compared by id: no query per field, and no str() of a workspace.
_BY_ID = ("organisation", "receiving_workspace")


def _snapshot(provider):
    return {
        name: getattr(provider, f"{name}_id" if name in _BY_ID else name) for name in AUDITED_FIELDS
    }


@transaction.atomic
def save_provider(provider, *, actor, check=True):
    """Validate, save and audit ``provider`` (new or changed). The audit
    holds the names of the changed fields, never their values (notes may say
    things about the network's partners that the log's readers need not see).
    ``check=False`` for the demo loader, which acts as no person."""
    if check:
        can_manage_directory(actor).require()
    provider.full_clean()
    if provider.pk is None:
        provider.save()
        audit.record(actor, audit_actions.PROVIDER_CREATED, target=provider)
        return provider
    before = ServiceProvider.objects.get(pk=provider.pk)
    old, new = _snapshot(before), _snapshot(provider)
    changed = sorted(name for name in AUDITED_FIELDS if old[name] != new[name])
    provider.save()
    if not changed:
        return provider
    if before.active and not provider.active:
        audit.record(actor, audit_actions.PROVIDER_DEACTIVATED, target=provider, fields=changed)
    else:
        audit.record(actor, audit_actions.PROVIDER_CHANGED, target=provider, fields=changed)
    return provider


def grouped_by_country(providers):
    """[(country name, [providers])] in the reading order of country lists,
    names in the active language."""
    groups = {}
    for provider in providers:
        groups.setdefault(provider.country, []).append(provider)
    return [(country_name(code), groups[code]) for code in in_reading_order(groups)]


def public_providers_by_country(page):
    """The get-help page's "Where to get help": public, active providers only
    (the page is cached and shown to anyone), in the page's language."""
    providers = ServiceProvider.objects.public().select_related("organisation")
    language = getattr(getattr(page, "locale", None), "language_code", None)
    with translation.override(language or translation.get_language()):
        return [
            {
                "country": str(country),
                "providers": [
                    {
                        "pk": p.pk,
                        "name": p.display_name,
                        "city": p.city,
                        "region": p.region,
                        "services": p.get_services_display(),
                        "languages": p.get_languages_display(),
                        "opening_hours": p.opening_hours,
                        "phone": p.phone,
                        "email": p.email,
                        "website": p.website,
                    }
                    for p in group
                ],
            }
            for country, group in grouped_by_country(providers)
        ]
