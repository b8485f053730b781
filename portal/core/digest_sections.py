"""Sections that apps above members add to the daily digest.

The digest belongs to portal.members, which may not import the apps built on
it (portal.referrals lists overdue referrals there). So an app registers a
section from its AppConfig.ready()::

    register_digest_section(
        "overdue_referrals", title=_("Overdue referrals"), items=overdue_items
    )

and the digest calls ``items(user, since, until)`` for each person. It returns
``DigestItem``s: one line each, with a link that needs a sign-in. What a line
says must be fit for a mailbox (mailboxes leak): a reference, organisations,
dates; never case data. The app decides who sees an item; the digest shows an
item only under a workspace the person belongs to, as a second check.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .registry import Registry


@dataclass(frozen=True)
class DigestItem:
    text: str
    url: str
    # Shown under this workspace's heading in the digest.
    workspace_id: int


@dataclass(frozen=True)
class DigestSection:
    title: Any  # a lazy translation, rendered in the mail's language
    items: Callable[[Any, Any, Any], list]  # (user, since, until) -> [DigestItem]
    order: int = 0


_sections = Registry()


def register_digest_section(name, *, title, items, order=0):
    _sections.register(name, DigestSection(title=title, items=items, order=order))


def unregister_digest_section(name):
    _sections.unregister(name)


def digest_sections():
    """(name, section) pairs in the order the digest shows them."""
    return list(_sections)
