"""Jobs the worker runs on a schedule, registered by the apps that own them.

The worker (``manage.py search_index worker``, started beside the server by
``make run`` and in production) calls ``run_due`` between its batches. An app
registers from its AppConfig.ready(): ``register("exchange.pull", 900,
pull_all)``. A job that fails is logged and tried again at its next turn; it
never stops the worker or the other jobs.
"""

import logging
import time
from dataclasses import dataclass, field

from .registries import register_once

logger = logging.getLogger("portal.worker")


@dataclass(eq=False)
class Job:
    name: str
    every: object  # seconds, or a callable returning them (read from settings at run time)
    run: object
    last: float | None = field(default=None)

    def interval(self):
        return float(self.every() if callable(self.every) else self.every)

    def __eq__(self, other):
        return isinstance(other, Job) and (self.name, self.run) == (other.name, other.run)

    __hash__ = object.__hash__


_jobs = {}


def register(name, every, run):
    return register_once(_jobs, name, Job(name, every, run), what="periodic job")


def jobs():
    return list(_jobs.values())


def run_due(now=None):
    """Run each job whose interval has passed (every job on the first call)."""
    now = time.monotonic() if now is None else now
    ran = []
    for job in _jobs.values():
        if job.last is not None and now - job.last < job.interval():
            continue
        job.last = now
        try:
            job.run()
        except Exception:
            logger.exception("worker: job %s failed; it runs again at its next turn", job.name)
        ran.append(job.name)
    return ran
