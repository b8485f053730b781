"""Last step of `manage.py load_demo`: the search index holds everything the
earlier steps made (or, without Elasticsearch, the database search does)."""

from portal.search.client import ELASTICSEARCH_ERRORS, get_client
from portal.search.queue import drain, enqueue_all
from portal.search.rebuild import RebuildError, rebuild


def build_index(ctx):
    if get_client() is None:
        report = rebuild()
        ctx.say(f"database search filled: {report.total} documents (no Elasticsearch configured)")
        drain(due_only=False)
        return
    try:
        report = rebuild()
    except (RebuildError, *ELASTICSEARCH_ERRORS) as exc:
        # The demo still works on the database search; the worker fills the
        # index from the queue once Elasticsearch answers.
        report = rebuild(use_elasticsearch=False)
        queued = enqueue_all()
        ctx.say(
            f"Elasticsearch did not answer ({type(exc).__name__}); database search filled with "
            f"{report.total} documents and {queued} queued for the index "
            "(`manage.py search_index worker` or `sync` applies them)"
        )
        return
    drain(due_only=False)  # anything earlier steps left behind
    counts = ", ".join(f"{kind} {n}" for kind, n in report.counts.items()) or "no sources yet"
    ctx.say(f"index {report.index} built: {report.total} documents ({counts})")
