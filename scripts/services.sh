#!/usr/bin/env bash
# Start, stop or inspect every service the portal's tests use.
#
#   scripts/services.sh start   # PostgreSQL and Elasticsearch, then the URLs to use
#   scripts/services.sh stop
#   scripts/services.sh status
#   scripts/services.sh env     # "export DATABASE_URL=… ELASTICSEARCH_URL=…" for eval
set -euo pipefail
HERE="$(dirname "$0")"

env_lines() {
    printf 'export DATABASE_URL=%s\n' "$("$HERE/postgres.sh" url)"
    printf 'export ELASTICSEARCH_URL=%s\n' "$("$HERE/elasticsearch.sh" url)"
}

case "${1:-start}" in
    start)
        "$HERE/postgres.sh" start
        "$HERE/elasticsearch.sh" start
        echo
        echo "Services are up. Use them with:"
        env_lines
        ;;
    stop)
        "$HERE/elasticsearch.sh" stop
        "$HERE/postgres.sh" stop
        ;;
    status)
        rc=0
        "$HERE/postgres.sh" status || rc=1
        "$HERE/elasticsearch.sh" status || rc=1
        exit $rc
        ;;
    env) env_lines ;;
    *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
