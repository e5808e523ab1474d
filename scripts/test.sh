#!/usr/bin/env bash
# All tests: typecheck, unit tests, integration tests over real WebRTC and the browser tests in Debian Chromium.
# The run happens inside a loopback-only network namespace, so ICE stays on 127.0.0.1 and nothing leaves the machine.
# Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure.sh
ensure_pnpm
ensure_chromium
ensure_media_servers
ensure_netns_tools
ensure_deps

rm -rf .vitest-results
typecheck_failed=0
echo "== typecheck"
if ! pnpm --silent typecheck; then typecheck_failed=1; fi

# The consumer tests need the published packages installed into apps outside the workspace; npm needs the
# registry, which the namespace below has no route to, so this step runs first (CI always starts afresh).
echo "== consumer apps (build, pack, npm install outside the workspace)"
pnpm exec tsx scripts/consumer/prepare.ts ${CI:+--force} || echo "consumer apps could not be prepared: the consumer tests will fail" >&2

echo "== vitest (inside a loopback-only network namespace)"
# Node processes the tests start (beckon serve, lab children) resolve workspace packages to their sources.
export NODE_OPTIONS="--conditions=source${NODE_OPTIONS:+ $NODE_OPTIONS}"
bash scripts/netns.sh pnpm exec vitest run --config scripts/vitest.config.ts "$@" \
  --reporter=default --reporter=json --outputFile.json=.vitest-results/results.json
vitest_status=$?

node scripts/summarize-tests.mjs .vitest-results/results.json "$typecheck_failed"
summary_status=$?
if [ "$vitest_status" -ne 0 ] || [ "$typecheck_failed" -ne 0 ] || [ "$summary_status" -ne 0 ]; then exit 1; fi
