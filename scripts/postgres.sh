#!/usr/bin/env bash
# The project's own PostgreSQL: Debian's server binaries, a data directory under
# .services/postgres, listening on 127.0.0.1 only. Idempotent.
#
#   scripts/postgres.sh start|stop|status|url
#
# PG_PORT (default 5432), PG_USER / PG_PASSWORD / PG_DB (default portal).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PG_PORT="${PG_PORT:-5432}"
PG_USER="${PG_USER:-portal}"
PG_PASSWORD="${PG_PASSWORD:-portal}"
PG_DB="${PG_DB:-portal}"
PG_HOME="$SERVICES_DIR/postgres"
PG_DATA="$PG_HOME/data"
PG_RUN="$PG_HOME/run"
PG_LOG="$PG_HOME/postgres.log"

pg_bin_dir() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    [ -n "$dir" ] && printf '%s' "$dir"
}

# PostgreSQL refuses to run as root: use Debian's "postgres" account then.
run_as_owner() {
    if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

url() { printf 'postgres://%s:%s@127.0.0.1:%s/%s' "$PG_USER" "$PG_PASSWORD" "$PG_PORT" "$PG_DB"; }

psql_admin() {
    run_as_owner "$BIN/psql" -h "$PG_RUN" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@"
}

is_running() { [ -d "$PG_DATA" ] && run_as_owner "$BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }

start() {
    [ -n "$(pg_bin_dir)" ] || ensure_debian_packages postgresql
    BIN="$(pg_bin_dir)"
    [ -n "$BIN" ] || fail "PostgreSQL server binaries not found under /usr/lib/postgresql after installing. Install the 'postgresql' package, then run again."

    mkdir -p "$PG_HOME" "$PG_RUN"
    if is_root; then chown postgres:postgres "$PG_HOME" "$PG_RUN"; fi

    if [ ! -s "$PG_DATA/PG_VERSION" ]; then
        info "initialising PostgreSQL data directory in $PG_DATA"
        run_as_owner "$BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
            --auth-local=trust --auth-host=scram-sha-256 >"$PG_HOME/initdb.log" 2>&1 \
            || { tail -n 20 "$PG_HOME/initdb.log" >&2; fail "initdb failed (log above, full log in $PG_HOME/initdb.log)."; }
    fi

    if is_running; then
        info "PostgreSQL already running on 127.0.0.1:$PG_PORT"
    else
        if (exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; then
            fail "port $PG_PORT is taken by another server. Stop it (for Debian's own cluster: pg_ctlcluster --force 15 main stop) or choose another port with PG_PORT=5433."
        fi
        info "starting PostgreSQL on 127.0.0.1:$PG_PORT"
        # fsync and synchronous commits are off: this server holds development and
        # test data only, and it makes the test suite markedly faster.
        # shared_buffers: Debian's 128 MB holds less than the search mirror of
        # bench/search_bench.py (100,000 documents, about 350 MB with indexes),
        # so the database fallback read most of its pages from the system's
        # cache on every search. PG_SHARED_BUFFERS=… to choose.
        if ! run_as_owner "$BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start \
            -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_RUN -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=${PG_SHARED_BUFFERS:-1GB}" >/dev/null; then
            tail -n 30 "$PG_LOG" >&2 || true
            fail "PostgreSQL did not start (log above, full log in $PG_LOG). Fix the cause, or remove $PG_DATA to start from scratch."
        fi
    fi

    # Role and database, created once; CREATEDB lets pytest create its test database.
    if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")" != "1" ]; then
        psql_admin -c "CREATE ROLE \"$PG_USER\" LOGIN CREATEDB PASSWORD '$PG_PASSWORD'"
    fi
    if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != "1" ]; then
        psql_admin -c "CREATE DATABASE \"$PG_DB\" OWNER \"$PG_USER\""
    fi
    info "PostgreSQL ready: $(url)"
}

stop() {
    BIN="$(pg_bin_dir)"
    if [ -n "$BIN" ] && is_running; then
        info "stopping PostgreSQL"
        run_as_owner "$BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
    else
        info "PostgreSQL is not running"
    fi
}

status() {
    BIN="$(pg_bin_dir)"
    if [ -n "$BIN" ] && is_running; then say "postgresql: running on 127.0.0.1:$PG_PORT ($(url))"
    else say "postgresql: stopped"; return 1; fi
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    url) url; echo ;;
    *) fail "usage: $0 start|stop|status|url" ;;
esac
