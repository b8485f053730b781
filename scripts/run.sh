#!/usr/bin/env bash
# `make run`: migrate, load the demo content and serve on 127.0.0.1:$PORT.
# Without DATABASE_URL / ELASTICSEARCH_URL it uses SQLite and the database search.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

PORT="${PORT:-8000}"
PY="$ROOT/.venv/bin/python"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-portal.settings.dev}"

info "database: ${DATABASE_URL:-SQLite (db.sqlite3)}; search: ${ELASTICSEARCH_URL:-database fallback}"
info "migrating"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py createcachetable
info "loading demo content"
"$PY" manage.py load_demo
mkdir -p staticfiles

info "serving on http://127.0.0.1:$PORT/ (Ctrl-C to stop); sign in as admin@example.org / ${DEMO_PASSWORD:-demo-pass-2024}"
exec "$PY" manage.py runserver "127.0.0.1:$PORT"
