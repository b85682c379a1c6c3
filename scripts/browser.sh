#!/usr/bin/env bash
# Makes sure the browser tests have a Chromium: Debian's package (playwright-core drives it and never
# downloads a browser of its own). CHROMIUM_PATH set: that one is used as it is.
set -euo pipefail
chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$chromium_path" ] && exit 0
[ -n "${CHROMIUM_PATH:-}" ] && { echo "[browser] ERROR: CHROMIUM_PATH=$CHROMIUM_PATH is not executable." >&2; exit 1; }
command -v apt-get >/dev/null || { echo "[browser] ERROR: Chromium is missing and apt-get is not available: install chromium, or set CHROMIUM_PATH." >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "[browser] ERROR: Chromium is missing; run as root to let this script install it, or set CHROMIUM_PATH." >&2; exit 1; }
echo "[browser] installing Debian's chromium with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
