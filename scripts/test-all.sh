#!/usr/bin/env bash
# `npm test`: every test tier, each in its own process (Pulumi mocks are process-global).
# Expects the toolchain from scripts/setup.sh on PATH (scripts/test.sh arranges both).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib/env.sh
. scripts/lib/env.sh

failed=()
passed_total=0 failed_total=0 pending_total=0
# Runs one mocha tier, keeping its output to add its "N passing / N failing / N pending" lines to the totals.
mocha_tier() {
  local out rc
  out=$(mktemp)
  npx mocha --forbid-only --fail-zero "$@" 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  count() { grep -oE "^ +[0-9]+ $1" "$out" | tail -n 1 | grep -oE "[0-9]+" || echo 0; }
  passed_total=$((passed_total + $(count passing)))
  failed_total=$((failed_total + $(count failing)))
  pending_total=$((pending_total + $(count pending)))
  rm -f "$out"
  return "$rc"
}
tier() {
  local name=$1; shift
  echo "=== $name"
  if ! "$@"; then failed+=("$name"); fi
}

tier typecheck npx tsc --noEmit -p .
# The GitHub workflows, with actionlint from scripts/setup.sh: a missing actionlint fails the tier, never skips it.
lint_workflows() {
  command -v actionlint >/dev/null || { echo "actionlint is not on PATH: run scripts/setup.sh, then source scripts/lib/env.sh" >&2; return 1; }
  actionlint -no-color && echo "actionlint: .github/workflows ok" || return 1
  # Every action pinned by commit SHA (a tag can be moved to other code); the tag goes in a comment beside it.
  local unpinned
  unpinned=$(grep -nE '^\s*-?\s*uses:' .github/workflows/*.yml | grep -vE 'uses:\s*[^@[:space:]]+@[0-9a-f]{40}\s+#\s*v[0-9]' || true)
  if [ -n "$unpinned" ]; then echo "actions not pinned by commit SHA (with '# vX.Y.Z'):" >&2; echo "$unpinned" >&2; return 1; fi
  echo "every action pinned by commit SHA"
}
tier lint-workflows lint_workflows
# ESLint's and typescript-eslint's recommended rules (eslint.config.mjs), prettier's formatting; the config docs generated from
# lib/configSchema.ts are current (the unit tier checks it too, this names the fix first).
tier lint npm run -s lint
# One tier list for this script and the PR workflow: scripts/test-tiers.txt.
while read -r t _; do
  if compgen -G "tests/$t/*.spec.ts" >/dev/null; then
    tier "$t" mocha_tier "tests/$t/**/*.spec.ts"
  fi
done < <(grep -vE '^\s*(#|$)' scripts/test-tiers.txt)

if [ ${#failed[@]} -ne 0 ]; then
  echo "FAILED tiers: ${failed[*]}"
  echo "tests: $passed_total passed, $((failed_total > 0 ? failed_total : 1)) failed, $pending_total skipped"
  exit 1
fi
echo "all test tiers passed"
echo "tests: $passed_total passed, $failed_total failed, $pending_total skipped"
