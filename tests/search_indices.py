"""Private search aliases for tests: a fresh name under this run's
SEARCH_INDEX_PREFIX, and the removal of everything made under a name, so
tests never see each other's documents and runs leave nothing on the node."""

import contextlib
import uuid

from django.conf import settings

from portal.search.client import circuit, get_client


def remove_indices(prefix, client=None):
    """Delete the alias ``prefix`` and every index made under it."""
    client = client or get_client()
    names = client.indices.get(
        index=f"{prefix},{prefix}-*", allow_no_indices=True, ignore_unavailable=True
    )
    for name in names:
        client.options(ignore_status=404).indices.delete(index=name)


@contextlib.contextmanager
def private_alias(tag):
    """A fresh alias name (``tag`` tells whose: t a test, m a module, b a
    browser test), removed with its indices when the block ends. The caller
    points SEARCH_INDEX_PREFIX at it."""
    prefix = f"{settings.SEARCH_INDEX_PREFIX}-{tag}{uuid.uuid4().hex[:10]}"
    # The real node, whatever URL the test points the code at meanwhile
    # (the outage tests point it at a dead one).
    client = get_client()
    circuit.reset()
    try:
        yield prefix
    finally:
        remove_indices(prefix, client)
        circuit.reset()
