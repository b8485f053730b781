"""What the registries of portal.core have in common: an app registers a code
from its ready(), a second ready() (tests, autoreload) registers it again, and
two apps giving one code different meanings is a mistake refused at start."""

from django.core.exceptions import ImproperlyConfigured


def register_once(registry, code, entry, *, what):
    """``registry[code] = entry`` and ``code``; the same entry again is fine,
    another one for the same code is refused (one app's records would read
    like another's)."""
    known = registry.get(code)
    if known is not None and known != entry:
        raise ImproperlyConfigured(f"{what} {code!r} is registered twice, differently")
    registry[code] = entry
    return code
