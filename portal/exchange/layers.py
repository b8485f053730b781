"""Partner networks' corridors on /statistics/corridors/: the latest release
held from each origin, labelled with where it came from and when it was
published. Registered with portal.reports.statistics_layers (reports knows no
exchange)."""

from urllib.parse import urlsplit

from portal.reports.statistics import Corridor
from portal.reports.statistics_layers import PartnerLayer

from .models import ImportedRelease


def partner_layers():
    """One layer per origin: its newest release not withdrawn. A withdrawn
    release disappears from the page at the sync that brings the withdrawal."""
    newest = {}
    for imported in ImportedRelease.objects.current().order_by("-published_at", "-release_id"):
        newest.setdefault(imported.subscription_id, imported)
    layers = []
    for imported in newest.values():
        aggregates = imported.payload.get("aggregates") or {}
        method = imported.payload.get("method") or {}
        layers.append(
            PartnerLayer(
                source=urlsplit(imported.origin).netloc or imported.origin,
                network=imported.network,
                release_id=str(imported.release_id),
                published_at=imported.published_at,
                corridors=tuple(
                    Corridor(
                        str(cell["year"]),
                        str(cell["citizenship"]),
                        str(cell["country"]),
                        cell["count"],
                    )
                    for cell in aggregates.get("corridors", ())
                ),
                total=aggregates.get("total"),
                k=method.get("k"),
            )
        )
    return sorted(layers, key=lambda layer: layer.network)
