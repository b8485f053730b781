#!/usr/bin/env bash
# The project's own Elasticsearch: Elastic's test distribution (integ-test-zip)
# from Maven Central, single node on 127.0.0.1, security off, 512 MB heap, run as
# an unprivileged user. The zip is cached in .services/cache, so only the first
# run downloads it. Idempotent.
#
#   scripts/elasticsearch.sh start|stop|status|url
#
# ES_VERSION (pinned below), ES_PORT (default 9200), ES_JAVA_HOME (default: the
# JDK that `java` on PATH belongs to), ES_START_TIMEOUT seconds (default 180).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# 8.19 is the last 8.x line; its test distribution is served by Maven Central.
ES_VERSION="${ES_VERSION:-8.19.21}"
ES_PORT="${ES_PORT:-9200}"
ES_START_TIMEOUT="${ES_START_TIMEOUT:-180}"
ES_USER="${ES_USER:-portal-es}"
ES_ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"
CACHE_DIR="$SERVICES_DIR/cache"
ES_ZIP="$CACHE_DIR/elasticsearch-$ES_VERSION.zip"
ES_BASE="$SERVICES_DIR/elasticsearch"
ES_HOME="$ES_BASE/elasticsearch-$ES_VERSION"
ES_DATA="$ES_BASE/data"
ES_LOGS="$ES_BASE/logs"
ES_PID="$ES_BASE/elasticsearch.pid"
ES_URL="http://127.0.0.1:$ES_PORT"

url() { printf '%s' "$ES_URL"; }

healthy() {
    curl -fs -m 5 "$ES_URL/_cluster/health?wait_for_status=yellow&timeout=2s" >/dev/null
}

owner_run() {
    if is_root; then runuser -u "$ES_USER" -- "$@"; else "$@"; fi
}

download() {
    [ -s "$ES_ZIP" ] && return 0
    command -v mvn >/dev/null 2>&1 || ensure_debian_packages maven
    mkdir -p "$CACHE_DIR"
    info "downloading Elasticsearch $ES_VERSION test distribution from Maven Central (about 100 MB, once)"
    if ! mvn -B -q -Dstyle.color=never dependency:copy -Dartifact="$ES_ARTIFACT" -DoutputDirectory="$CACHE_DIR" -Dmdep.overWriteReleases=true >"$CACHE_DIR/mvn.log" 2>&1; then
        tail -n 20 "$CACHE_DIR/mvn.log" >&2
        fail "Maven could not fetch $ES_ARTIFACT. Check that this machine reaches Maven Central, or set ES_VERSION to another 8.x version it serves."
    fi
    [ -s "$ES_ZIP" ] || fail "Maven finished but $ES_ZIP is missing."
}

java_home() {
    if [ -n "${ES_JAVA_HOME:-}" ]; then printf '%s' "$ES_JAVA_HOME"; return; fi
    local java
    java="$(command -v java || true)"
    [ -n "$java" ] || fail "no Java found. Elasticsearch $ES_VERSION needs Java 17 or newer: install a JDK (apt-get install openjdk-17-jre-headless) or set ES_JAVA_HOME."
    dirname "$(dirname "$(readlink -f "$java")")"
}

start() {
    if healthy; then
        info "Elasticsearch already running at $ES_URL"
        return 0
    fi
    command -v curl >/dev/null 2>&1 || ensure_debian_packages curl
    command -v unzip >/dev/null 2>&1 || ensure_debian_packages unzip
    download
    if [ ! -x "$ES_HOME/bin/elasticsearch" ]; then
        info "unpacking Elasticsearch $ES_VERSION"
        mkdir -p "$ES_BASE"
        unzip -q -o "$ES_ZIP" -d "$ES_BASE"
    fi
    mkdir -p "$ES_DATA" "$ES_LOGS"
    # Elasticsearch refuses to run as root: give it its own system account.
    if is_root; then
        id "$ES_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
        chown -R "$ES_USER" "$ES_HOME" "$ES_DATA" "$ES_LOGS"
        chown "$ES_USER" "$ES_BASE"
    fi
    rm -f "$ES_PID"
    local jhome
    jhome="$(java_home)"
    info "starting Elasticsearch $ES_VERSION on $ES_URL (Java: $jhome)"
    # Disk thresholds are off so a nearly full disk does not turn the test node
    # read-only half way through a run.
    if ! owner_run env ES_JAVA_HOME="$jhome" ES_JAVA_OPTS="-Xms512m -Xmx512m" \
        "$ES_HOME/bin/elasticsearch" -d -p "$ES_PID" \
        -Ediscovery.type=single-node \
        -Expack.security.enabled=false \
        -Enetwork.host=127.0.0.1 \
        -Ehttp.port="$ES_PORT" \
        -Epath.data="$ES_DATA" \
        -Epath.logs="$ES_LOGS" \
        -Ecluster.name=portal-dev \
        -Ecluster.routing.allocation.disk.threshold_enabled=false \
        >"$ES_BASE/start.log" 2>&1; then
        cat "$ES_BASE/start.log" >&2
        fail "Elasticsearch did not start (output above). Check Java ($jhome) and free memory, then run again."
    fi
    info "waiting for cluster health (up to ${ES_START_TIMEOUT}s)"
    if ! wait_for "$ES_START_TIMEOUT" healthy; then
        say "last lines of $ES_LOGS/portal-dev.log:" >&2
        tail -n 40 "$ES_LOGS/portal-dev.log" >&2 2>/dev/null || cat "$ES_BASE/start.log" >&2
        fail "Elasticsearch did not become healthy within ${ES_START_TIMEOUT}s. Read the log above; 'scripts/elasticsearch.sh stop' then start again, or remove $ES_DATA to start from an empty node."
    fi
    info "Elasticsearch ready: $ES_URL"
}

stop() {
    local pid=""
    [ -s "$ES_PID" ] && pid="$(cat "$ES_PID")"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        info "stopping Elasticsearch (pid $pid)"
        kill "$pid"
        local waited=0
        while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 60 ]; do sleep 1; waited=$((waited + 1)); done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
        rm -f "$ES_PID"
    else
        info "Elasticsearch is not running (no live pid in $ES_PID)"
    fi
}

status() {
    if healthy; then say "elasticsearch: running at $ES_URL"
    else say "elasticsearch: stopped"; return 1; fi
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    url) url; echo ;;
    *) fail "usage: $0 start|stop|status|url" ;;
esac
