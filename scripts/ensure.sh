#!/usr/bin/env bash
# Installs what a fresh machine lacks: pnpm, Debian's Chromium (browser tests) and the workspace's dependencies.
# Sourced by .ci/run, scripts/test.sh and scripts/start.mjs's shell step; safe to run again (each step checks first).
set -euo pipefail
PNPM_VERSION=9.15.9

ensure_pnpm() {
  if ! command -v pnpm >/dev/null 2>&1; then
    echo "beckon: installing pnpm@$PNPM_VERSION" >&2
    npm install -g "pnpm@$PNPM_VERSION" >&2
  fi
}

ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "beckon: installing Debian's chromium for the browser tests" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  else
    echo "beckon: warning: /usr/bin/chromium is missing and cannot be installed (not root); browser tests will fail" >&2
  fi
}

ensure_netns_tools() {
  # Tests run in a loopback-only network namespace (scripts/netns.sh), which needs unshare and ip.
  if command -v ip >/dev/null 2>&1 || [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then return 0; fi
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iproute2 >&2
}

ensure_deps() {
  pnpm install --frozen-lockfile --prefer-offline >&2
}
