#!/usr/bin/env bash
# `make test`: services, lint, Django checks, then the whole pytest suite against
# the real PostgreSQL and Elasticsearch. Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

BIN="$ROOT/.venv/bin"
started=$(date +%s)

"$ROOT/scripts/services.sh" start
eval "$("$ROOT/scripts/services.sh" env)"
"$ROOT/scripts/browser.sh"
# gettext: the catalogue tests compile and extract messages with its tools.
ensure_debian_packages gettext

export DJANGO_SETTINGS_MODULE=portal.settings.test

info "ruff check"
"$BIN/ruff" check .
info "ruff format --check"
"$BIN/ruff" format --check .
info "lint-imports (dependencies point one way; contracts in pyproject.toml)"
"$BIN/lint-imports" --no-logo \
    || fail "an import runs against the layers (bottom to top: core, search, members, reports|home, resources|api, demo). Turn the dependency around with a registry the higher app fills in AppConfig.ready(), or move the shared code down; see README.md, \"Layout\". Check again with: .venv/bin/lint-imports"
info "manage.py check"
"$BIN/python" manage.py check
info "makemigrations --check"
"$BIN/python" manage.py makemigrations --check --dry-run

info "pytest"
# --durations: the slowest tests in every run's log, so a new cost shows at once
# (the suite must stay well under CI's 30 minutes).
# --create-db: pyproject's --reuse-db keeps the test database between local
# runs (new migrations are still applied), but an edited or removed migration,
# or rows left by an interrupted run, would go unnoticed; here the database is
# always built from the migrations.
# -n: one pytest-xdist worker per CPU (PYTEST_WORKERS=N to choose, 0 for
# none), each with its own test database, search alias, media folders and
# Chromium; --dist loadfile keeps a module's tests, and its module-wide data,
# on one worker.
# --junitxml: every test's time, for finding where the suite spends it
# (scripts/test_times.py sums it by folder and file).
"$BIN/pytest" -n "${PYTEST_WORKERS:-auto}" --dist loadfile --durations=25 --create-db \
    --junitxml="$ROOT/test-artifacts/junit.xml" "$@"
info "make test finished in $(( $(date +%s) - started ))s"
