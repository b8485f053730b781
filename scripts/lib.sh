# Shared helpers for the service scripts. Sourced, not run.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICES_DIR="${PORTAL_SERVICES_DIR:-$ROOT/.services}"

say()  { printf '%s\n' "$*"; }
info() { printf '==> %s\n' "$*"; }
fail() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# Run a command as root (directly, or through sudo when we are not root).
as_root() {
    if is_root; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else fail "'$*' needs root and sudo is not available. Install it by hand, then run again."
    fi
}

# Install Debian packages that are missing; one apt-get update for all of them.
ensure_debian_packages() {
    local missing=()
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    command -v apt-get >/dev/null 2>&1 || fail "missing packages: ${missing[*]}. This script installs them with apt-get (Debian/Ubuntu); install them another way, then run again."
    info "installing Debian packages: ${missing[*]} (once per machine)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
        || fail "apt-get could not install ${missing[*]}. Check the network and apt sources, then run again."
}

# Wait until "$@" succeeds, up to $1 seconds; prints a dot every 2 seconds.
wait_for() {
    local timeout="$1"; shift
    local waited=0
    until "$@" >/dev/null 2>&1; do
        if [ "$waited" -ge "$timeout" ]; then printf '\n'; return 1; fi
        printf '.'
        sleep 2
        waited=$((waited + 2))
    done
    [ "$waited" -gt 0 ] && printf '\n'
    return 0
}
