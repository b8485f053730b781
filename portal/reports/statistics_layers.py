"""Partner networks' corridor figures, shown beside the network's own.

Apps above reports (portal.exchange, which imports partners' signed releases)
register a provider here; reports never imports them (the layers contract).
A provider is a callable without arguments returning a list of PartnerLayer:
figures another network published, labelled with where they came from, never
mixed into this network's own numbers.
"""

import datetime
import logging
from dataclasses import dataclass, replace

from .statistics import Corridor

logger = logging.getLogger(__name__)

_providers = []


@dataclass(frozen=True)
class PartnerLayer:
    source: str  # where the release came from (the partner portal's address, a file…)
    network: str  # the partner network's name, as it signs its releases
    release_id: str  # the partner's own release number or id
    published_at: datetime.datetime | datetime.date | None
    corridors: tuple  # of Corridor; a count None is "fewer than the partner's k"
    total: int | None = None
    k: int | None = None  # the partner's small-cell threshold, when it says

    def for_year(self, year):
        return replace(self, corridors=tuple(c for c in self.corridors if c.year == year))

    @property
    def years(self):
        return {corridor.year for corridor in self.corridors}


def register_layer(provider):
    """Add a provider (idempotent: an app's ready() may run twice in tests)."""
    if provider not in _providers:
        _providers.append(provider)


def unregister_layer(provider):
    if provider in _providers:
        _providers.remove(provider)


def layers(year=None):
    """Every registered provider's layers, each keeping only ``year``'s
    corridors when given. A provider that fails is logged and left out: a
    partner's broken import must not take the network's own figures down."""
    found = []
    for provider in list(_providers):
        try:
            provided = list(provider())
        except Exception:
            logger.exception("Partner statistics layer %r failed; left out.", provider)
            continue
        for layer in provided:
            if not isinstance(layer, PartnerLayer) or not all(
                isinstance(c, Corridor) for c in layer.corridors
            ):
                logger.error("Partner statistics layer %r gave %r; left out.", provider, layer)
                continue
            found.append(layer if year is None else layer.for_year(year))
    return found
