#!/usr/bin/env bash
# `make run`: migrate, load the demo content and serve on 127.0.0.1:$PORT.
# Without DATABASE_URL / ELASTICSEARCH_URL it uses SQLite and the database search.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

PORT="${PORT:-8000}"
# Links in mail sent outside a request (load_demo's invitation links, digests)
# point at the port this run serves on.
export PORT
export PORTAL_BASE_URL="${PORTAL_BASE_URL:-http://127.0.0.1:$PORT}"
PY="$ROOT/.venv/bin/python"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-portal.settings.dev}"

info "database: ${DATABASE_URL:-SQLite (db.sqlite3)}; search: ${ELASTICSEARCH_URL:-database fallback}"
info "migrating"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py createcachetable
info "loading demo content"
"$PY" manage.py load_demo
mkdir -p staticfiles

# Serve as visitors will see it: the portal's own 404/500 pages, not Django's
# debug pages (DJANGO_DEBUG=true make run brings those back). The demo above
# was loaded with development settings' DEBUG on, which load_demo requires.
export DJANGO_DEBUG="${DJANGO_DEBUG:-false}"

# With Elasticsearch, a worker beside the server applies queued index changes
# (edits are applied right after commit too; the worker retries what could not
# be, with backoff). Without it, every change still reaches the database
# search at once, so no worker is needed.
if [ -n "${ELASTICSEARCH_URL:-}" ]; then
    info "starting the search worker (manage.py search_index worker)"
    "$PY" manage.py search_index worker &
    WORKER_PID=$!
    stop_worker() {
        kill -TERM "$WORKER_PID" 2>/dev/null || true
        wait "$WORKER_PID" 2>/dev/null || true
    }
    trap stop_worker EXIT
    trap 'exit 130' INT TERM
fi

info "serving on http://127.0.0.1:$PORT/ (Ctrl-C to stop); sign in as admin@example.org / ${DEMO_PASSWORD:-demo-pass-2024}"
if [ -n "${WORKER_PID:-}" ]; then
    "$PY" manage.py runserver "127.0.0.1:$PORT"
else
    exec "$PY" manage.py runserver "127.0.0.1:$PORT"
fi
