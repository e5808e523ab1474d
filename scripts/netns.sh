#!/bin/sh
# Runs a command in a new network namespace that has only a loopback interface, so WebRTC ICE can only
# use 127.0.0.1 and nothing can leave the machine. Needs root (or an unshare that permits it); otherwise
# runs the command directly, with a warning, so the same script works on a developer's laptop.
# Usage: scripts/netns.sh <command> [args...]
set -eu

if [ "$#" -eq 0 ]; then
  echo "usage: scripts/netns.sh <command> [args...]" >&2
  exit 2
fi

if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 \
  && unshare -n true 2>/dev/null; then
  # The inner sh gets the command as "$@"; exec keeps signals and the exit code the command's own.
  exec unshare -n sh -c 'ip link set lo up && exec "$@"' netns-sh "$@"
fi

echo "netns.sh: cannot create a network namespace (needs root, unshare and ip); running without one" >&2
exec "$@"
