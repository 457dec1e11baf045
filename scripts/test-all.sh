#!/usr/bin/env bash
# `npm test`: every test tier, each in its own process (Pulumi mocks are process-global).
# Expects the toolchain from scripts/setup.sh on PATH (scripts/test.sh arranges both).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib/env.sh
. scripts/lib/env.sh

failed=()
tier() {
  local name=$1; shift
  echo "=== $name"
  if ! "$@"; then failed+=("$name"); fi
}

tier typecheck npx tsc --noEmit -p .
for t in unit program emulator provider serialize smoke standin e2e; do
  if compgen -G "tests/$t/*.spec.ts" >/dev/null; then
    tier "$t" npx mocha --forbid-only --fail-zero "tests/$t/**/*.spec.ts"
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "FAILED tiers: ${failed[*]}"
  exit 1
fi
echo "all test tiers passed"
