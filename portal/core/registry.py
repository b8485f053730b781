"""Named entries that apps higher up the layers add to a page or a mail that
a lower app renders: the home page's and the get-help page's sections
(portal.home), the network statistics' sections (portal.reports), the
digest's sections (portal.members). The lower app may not import the apps
built on it (the layers contract in pyproject.toml), so each of those
registers its entry from its AppConfig.ready() and the lower app reads
whatever is there.

Registering a name again replaces its entry, so a reloaded app never shows
twice; entries are read in the order of their ``order``, then their name.
"""


class Registry:
    def __init__(self):
        self._entries = {}

    def register(self, name, entry):
        self._entries[name] = entry
        return entry

    def unregister(self, name):
        self._entries.pop(name, None)

    def __iter__(self):
        """(name, entry) pairs in order."""
        return iter(sorted(self._entries.items(), key=lambda pair: (pair[1].order, pair[0])))
