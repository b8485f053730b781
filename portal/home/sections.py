"""Sections that apps built on the public site add to its home page.

Home sits below the apps that fill it (the resource library is a page type of
its own app, built on home's pages), so home cannot import them: each such app
registers its section here in its AppConfig.ready(), as it registers its search
source, and the home page renders the registered sections in order below its
own news and events.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from portal.core.registry import Registry


@dataclass(frozen=True)
class HomeSection:
    # Included with the page's context plus `section`; the template owns the
    # whole <section>, heading and "more" link included.
    template: str
    # Called with the home page being rendered; returns what the template shows
    # as `section.items`. It runs once per rendering (the page cache keeps the
    # result for anonymous visitors), so it should evaluate its query itself.
    items: Callable[[Any], Any]
    order: int = 0


_sections = Registry()


def register_home_section(name, *, template, items, order=0):
    _sections.register(name, HomeSection(template=template, items=items, order=order))


def sections_for(page):
    """The registered sections with their items for `page`, in display order."""
    return [
        {"name": name, "template": section.template, "items": section.items(page)}
        for name, section in _sections
    ]
