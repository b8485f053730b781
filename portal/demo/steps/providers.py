"""The demo's service directory (data/providers.json): shelters in Osh and
Andijan, legal aid in Khujand, a return programme and a clinic; some public
(they appear on the get-help page), some accepting referrals through the
portal, each of those in its organisation's workspace (``receiving_workspace``
names its slug). Found again by name, so a rerun keeps what a coordinator
changed; it only mends a provider that accepts referrals without a workspace
(a demo loaded before providers had one): the file's workspace, or no
referrals through the portal when the file names none."""

from portal.members.models import Workspace
from portal.referrals.directory import save_provider
from portal.referrals.models import ServiceProvider

from .. import data
from .organisations import ensure_organisations


def _workspace(slug):
    if not slug:
        return None
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None:
        raise data.DemoDataError(f"providers.json: no workspace {slug!r}; run the workspaces step")
    return workspace


def load_providers(ctx):
    organisations = ensure_organisations(ctx)
    for key, fields in data.providers().items():
        organisation = organisations[fields.pop("organisation")] if fields["organisation"] else None
        fields["receiving_workspace"] = _workspace(fields["receiving_workspace"])
        if organisation is None:
            fields.pop("organisation")
            existing = ServiceProvider.objects.filter(organisation=None, name=fields["name"])
        else:
            existing = ServiceProvider.objects.filter(organisation=organisation)
        provider = existing.first()
        if provider is None:
            save_provider(
                ServiceProvider(organisation=organisation, **fields), actor=None, check=False
            )
            ctx.say(f"created service provider {key}")
        elif provider.accepts_referrals and provider.receiving_workspace_id is None:
            # Without a workspace it cannot take referrals (the model refuses it).
            provider.receiving_workspace = fields["receiving_workspace"]
            provider.accepts_referrals = provider.receiving_workspace is not None
            save_provider(provider, actor=None, check=False)
            ctx.say(f"service provider {key}: receiving workspace set")
