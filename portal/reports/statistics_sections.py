"""Sections of the network statistics page (/network/statistics/), the
figures network members see beside the public releases.

Apps above reports (portal.referrals counts referrals) register a section
here from their AppConfig.ready(); reports never imports them (the layers
contract). A section's ``context`` is called with the request and returns
what its template shows as ``section.data``, or None when this person may not
see it: each section asks its own policy, so the page shows a section exactly
to the people its owner allows.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from portal.core.registry import Registry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NetworkStatisticsSection:
    # Included with the page's context plus `section`; the template owns the
    # whole <section> and its heading.
    template: str
    context: Callable[[Any], Any]
    order: int = 0


_sections = Registry()


def register_section(name, *, template, context, order=0):
    _sections.register(
        name, NetworkStatisticsSection(template=template, context=context, order=order)
    )


def unregister_section(name):
    _sections.unregister(name)


def sections_for(request):
    """The sections this person may see, in order. A section that fails is
    logged and left out: it closes, never shows figures unchecked, and does
    not take the other sections down."""
    shown = []
    for name, section in _sections:
        try:
            data = section.context(request)
        except Exception:
            logger.exception("Network statistics section %r failed; left out.", name)
            continue
        if data is not None:
            shown.append({"name": name, "template": section.template, "data": data})
    return shown
