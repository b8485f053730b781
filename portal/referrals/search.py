"""How service providers appear in search (the contract is in
portal/search/registry.py). A public, active provider is a public document
that points at the get-help page which lists it; any other active provider is
a document for the network, pointing at /services/; an inactive one is not in
the index. The text never holds the internal notes: one document serves every
reader of its audience, and a public one serves anyone."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.core.audience import NETWORK, PUBLIC
from portal.home.models import GetHelpPage
from portal.search.registry import SearchEntry, SearchSource

from .models import ServiceProvider


def _get_help_url():
    page = GetHelpPage.objects.live().public().order_by("pk").first()
    return page.get_url() if page is not None else ""


class ServiceProviderSource(SearchSource):
    kind = "service_provider"
    label = _("Service provider")
    model = ServiceProvider

    def get_queryset(self):
        return ServiceProvider.objects.active().select_related("organisation")

    def entry_for(self, provider):
        if not provider.active:
            return None
        anchor = f"#provider-{provider.pk}"
        if provider.public:
            audiences = (PUBLIC,)
            url = (_get_help_url() or reverse("referrals:directory")) + anchor
        else:
            audiences = (NETWORK,)
            url = reverse("referrals:directory") + f"?country={provider.country}" + anchor
        body = "\n".join(
            part
            for part in (
                ", ".join(provider.get_services_display()),
                ", ".join(p for p in (provider.city, provider.region) if p),
                ", ".join(provider.get_languages_display()),
                provider.opening_hours,
            )
            if part
        )
        return SearchEntry(
            kind=self.kind,
            object_id=str(provider.pk),
            title=provider.display_name,
            url=url,
            audiences=audiences,
            body=body,
            countries=(provider.country,) if len(provider.country) == 2 else (),
            date=provider.updated_at,
            extra={"services": list(provider.services)},
        )
