"""System checks for the search settings (`manage.py check`)."""

import re

from django.conf import settings
from django.core import checks

_PREFIX = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,100}$")


def check_settings(app_configs=None, **kwargs):
    errors = []
    prefix = settings.SEARCH_INDEX_PREFIX
    if not _PREFIX.match(prefix or ""):
        errors.append(
            checks.Error(
                f"SEARCH_INDEX_PREFIX {prefix!r} is not a valid Elasticsearch index name.",
                hint="Use lower-case letters, digits, '-', '_' or '.', starting with a letter "
                "or digit (for example 'portal').",
                id="portal_search.E001",
            )
        )
    if "default" not in settings.SEARCH_ANALYZERS:
        errors.append(
            checks.Error(
                "SEARCH_ANALYZERS has no 'default' analyzer.",
                id="portal_search.E002",
            )
        )
    return errors


def register():
    checks.register(check_settings, "portal_search")
