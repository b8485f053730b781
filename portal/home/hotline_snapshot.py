"""The hotlines, kept in a file beside the database.

When PostgreSQL is unreachable the error pages still show every country's
hotlines: they read this file, written whenever a hotline is saved or deleted
(after the transaction commits) and whenever the page chrome is built and the
file is missing (a fresh installation, a new state folder). One JSON document,
every site language, replaced atomically so a reader never sees half a file.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction

from . import hotlines

logger = logging.getLogger(__name__)

FORMAT = 1
_read_cache = {"mtime": None, "data": None}


def path():
    return Path(settings.PORTAL_HOTLINES_FILE)


def build():
    return {
        "format": FORMAT,
        "written_at": datetime.now(tz=UTC).isoformat(),
        "languages": {code: hotlines.in_language(code) for code, _name in settings.LANGUAGES},
    }


def write():
    """Write the file from the database now."""
    target = path()
    data = build()
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".hotlines-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return data


def _write_logged():
    try:
        write()
    except OSError:
        logger.exception(
            "hotline file %s not written: check that PORTAL_STATE_DIR is writable", path()
        )


def write_after_commit(**kwargs):
    """Signal receiver: once per transaction, after it commits, so the file
    never holds a hotline that was rolled back."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _write_logged()
    elif not any(entry[1] is _write_logged for entry in connection.run_on_commit):
        transaction.on_commit(_write_logged)


def ensure():
    """Write the file if it does not exist (cheap when it does)."""
    if not path().exists():
        _write_logged()


def read(language):
    """Hotlines in ``language`` (falling back to the default language), as the
    chrome builds them; [] when the file is missing or unreadable. Never
    touches the database."""
    try:
        mtime = path().stat().st_mtime_ns
        if _read_cache["mtime"] != mtime:
            data = json.loads(path().read_text(encoding="utf-8"))
            _read_cache.update(mtime=mtime, data=data)
        languages = _read_cache["data"]["languages"]
    except (OSError, ValueError, KeyError, TypeError):
        logger.warning("hotline file %s missing or unreadable", path())
        return []
    return languages.get(language) or languages.get(settings.LANGUAGE_CODE) or []
