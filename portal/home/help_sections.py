"""Sections that apps built on the public site add to the get-help page.

The same turn-around as ``sections.py`` for the home page: the service
directory (portal.referrals) sits above home, so home cannot import it; it
registers its "Where to get help" list here from its AppConfig.ready(), and
the get-help page renders whatever is registered, below its hotlines. What a
section shows must be public: the page is cached for anonymous visitors.
The app that registers a section purges the page cache when its content
changes (``portal.home.signals.purge``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from portal.core.registry import Registry


@dataclass(frozen=True)
class HelpSection:
    # Included with the page's context plus `section`; the template owns the
    # whole <section> and its heading.
    template: str
    # Called with the get-help page being rendered (in the reader's language);
    # returns what the template shows as `section.items`.
    items: Callable[[Any], Any]
    order: int = 0


_sections = Registry()


def register_help_section(name, *, template, items, order=0):
    _sections.register(name, HelpSection(template=template, items=items, order=order))


def help_sections_for(page):
    return [
        {"name": name, "template": section.template, "items": section.items(page)}
        for name, section in _sections
    ]
