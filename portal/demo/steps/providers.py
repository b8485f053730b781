"""The demo's service directory (data/providers.json): shelters in Osh and
Andijan, legal aid in Khujand, a return programme and a clinic; some public
(they appear on the get-help page), some accepting referrals through the
portal. Found again by name, so a rerun keeps what a coordinator changed."""

from portal.referrals.directory import save_provider
from portal.referrals.models import ServiceProvider

from .. import data
from .organisations import ensure_organisations


def load_providers(ctx):
    organisations = ensure_organisations(ctx)
    for key, fields in data.providers().items():
        organisation = organisations[fields.pop("organisation")] if fields["organisation"] else None
        if organisation is None:
            fields.pop("organisation")
            existing = ServiceProvider.objects.filter(organisation=None, name=fields["name"])
        else:
            existing = ServiceProvider.objects.filter(organisation=organisation)
        if existing.exists():
            continue
        save_provider(ServiceProvider(organisation=organisation, **fields), actor=None, check=False)
        ctx.say(f"created service provider {key}")
