"""The one place that knows how to reach Elasticsearch.

Elastic's test distribution (used by the test suite) has no root "GET /" handler,
so nothing here relies on ``info()`` or ``ping()``: versions and liveness come from
the nodes and cluster health APIs, which every distribution serves.
"""

from functools import lru_cache

from django.conf import settings
from elasticsearch import Elasticsearch


def is_configured():
    return bool(settings.ELASTICSEARCH_URL)


@lru_cache(maxsize=4)
def _client_for(url, timeout):
    return Elasticsearch(
        url,
        request_timeout=timeout,
        # A short retry covers a node that is restarting; longer outages are the
        # indexing queue's business, not the request's.
        max_retries=1,
        retry_on_timeout=False,
    )


def get_client():
    """The configured client, or None when no Elasticsearch is configured."""
    if not is_configured():
        return None
    return _client_for(settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_TIMEOUT)


def server_version(client=None):
    """The version string of the node the client talks to."""
    client = client or get_client()
    nodes = client.nodes.info(node_id="_local", filter_path="nodes.*.version")
    return next(iter(nodes["nodes"].values()))["version"]
