"""One long-lived process per installation for tests/exchange/test_two_installations.py:
runs `manage.py` commands (through call_command, the same parser and handler)
and shell snippets with the installation's environment, so each costs
milliseconds instead of Django's start-up (seconds on a busy CI machine).

Protocol: one JSON request per line on stdin, {"args": [...]} or {"code": "..."};
one JSON answer per line on stdout, {"status": 0|1|2, "stdout": ..., "stderr": ...}
(1: CommandError, which `manage.py` turns into exit status 1; 2: a crash)."""

import contextlib
import io
import json
import sys
import traceback

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.management.base import CommandError  # noqa: E402
from django.db import close_old_connections  # noqa: E402

answers = sys.stdout
for line in sys.stdin:
    request = json.loads(line)
    out, err, status = io.StringIO(), io.StringIO(), 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            if "code" in request:
                exec(request["code"], {})  # noqa: S102 (the test's own snippets)
            else:
                call_command(*request["args"], stdout=out, stderr=err)
    except CommandError as error:
        err.write(f"CommandError: {error}\n")
        status = 1
    except Exception:
        err.write(traceback.format_exc())
        status = 2
    finally:
        close_old_connections()
    answers.write(
        json.dumps({"status": status, "stdout": out.getvalue(), "stderr": err.getvalue()})
    )
    answers.write("\n")
    answers.flush()
