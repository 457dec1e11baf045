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
# The GitHub workflows, with actionlint from scripts/setup.sh: a missing actionlint fails the tier, never skips it.
lint_workflows() {
  command -v actionlint >/dev/null || { echo "actionlint is not on PATH: run scripts/setup.sh, then source scripts/lib/env.sh" >&2; return 1; }
  actionlint -no-color && echo "actionlint: .github/workflows ok"
}
tier lint-workflows lint_workflows
for t in unit program emulator provider serialize smoke standin operator e2e reliability bench; do
  if compgen -G "tests/$t/*.spec.ts" >/dev/null; then
    tier "$t" npx mocha --forbid-only --fail-zero "tests/$t/**/*.spec.ts"
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "FAILED tiers: ${failed[*]}"
  exit 1
fi
echo "all test tiers passed"
