"""The one registry behind the sections that apps higher up add to pages and
mails of lower apps: read in order, then by name; a name registered again
replaces its entry (a reloaded app never shows twice)."""

from dataclasses import dataclass

from portal.core.registry import Registry


@dataclass(frozen=True)
class Entry:
    label: str
    order: int = 0


def test_entries_come_in_their_order_then_by_name():
    registry = Registry()
    registry.register("zeta", Entry("z"))
    registry.register("alpha", Entry("a", order=5))
    registry.register("beta", Entry("b"))
    assert [name for name, _ in registry] == ["beta", "zeta", "alpha"]


def test_registering_a_name_again_replaces_it_and_unregistering_removes_it():
    registry = Registry()
    registry.register("providers", Entry("old"))
    registry.register("providers", Entry("new"))
    assert [entry.label for _, entry in registry] == ["new"]
    registry.unregister("providers")
    registry.unregister("never registered")
    assert list(registry) == []
