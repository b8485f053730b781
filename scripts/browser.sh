#!/usr/bin/env bash
# Debian's Chromium and ChromeDriver for the browser tests (Playwright drives
# /usr/bin/chromium; it cannot download a browser of its own here).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_debian_packages chromium chromium-driver fonts-dejavu-core
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium is missing after installing the chromium package."
info "browser: $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
