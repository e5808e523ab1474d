#!/usr/bin/env bash
# Installs what a fresh machine lacks: pnpm, Debian's Chromium (browser tests), Janus and coturn (SFU and TURN tests)
# and the workspace's dependencies.
# Sourced by .ci/run, scripts/test.sh and scripts/start.mjs's shell step; safe to run again (each step checks first).
set -euo pipefail
PNPM_VERSION=9.15.9
# Works with any pnpm from 9 on (tried: 9.15.9, 12.4.2, 12.23.0): pnpm-lock.yaml is lockfile v9.0, which pnpm 8 and
# older cannot read. So a pnpm that is already there is used as it is, unless it is older than 9 or does not run;
# only then is pnpm@$PNPM_VERSION installed: globally when there is none, else into a private prefix put first on PATH
# (installing globally over another package manager's pnpm can fail, and would replace the user's own).
PNPM_MIN_MAJOR=9

ensure_pnpm() {
  local found major prefix
  if ! command -v pnpm >/dev/null 2>&1; then
    echo "beckon: installing pnpm@$PNPM_VERSION" >&2
    npm install -g "pnpm@$PNPM_VERSION" >&2
    return 0
  fi
  found=$(pnpm --version 2>/dev/null || true)
  major=${found%%.*}
  if [[ "$major" =~ ^[0-9]+$ ]] && [ "$major" -ge "$PNPM_MIN_MAJOR" ]; then return 0; fi
  prefix="${BECKON_PNPM_PREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/beckon/pnpm-$PNPM_VERSION}"
  if [ ! -x "$prefix/bin/pnpm" ]; then
    echo "beckon: the pnpm on PATH (${found:-it does not run}) is too old for this workspace, which needs pnpm $PNPM_MIN_MAJOR or newer; installing pnpm@$PNPM_VERSION into $prefix" >&2
    npm install -g --prefix "$prefix" "pnpm@$PNPM_VERSION" >&2
  fi
  export PATH="$prefix/bin:$PATH"
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

ensure_media_servers() {
  # The SFU tests start Janus (beckon serve --sfu) and the TURN test coturn: both from Debian, like chromium.
  if command -v janus >/dev/null 2>&1 && command -v turnserver >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "beckon: installing Debian's janus and coturn for the SFU and TURN tests" >&2
    apt-get update -qq >&2
    # policy-rc.d or not, the packages' own services must not run: the tests start their own, configured.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq janus coturn >&2
    if command -v systemctl >/dev/null 2>&1; then systemctl disable --now janus coturn >/dev/null 2>&1 || true; fi
  else
    echo "beckon: warning: janus or coturn is missing and cannot be installed (not root); SFU and TURN tests will fail" >&2
  fi
}

ensure_emoji_font() {
  # Screenshots taken in tests (BECKON_SCREENSHOTS) draw reactions as on a real device only with a colour emoji font.
  if dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then return 0; fi
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-color-emoji >&2
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
