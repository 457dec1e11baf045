#!/usr/bin/env bash
# The steps of a `pulumi preview --json` that change something, one "<op> <urn>[ [changed properties]]" line each,
# sorted: what a reviewer approves in the up workflow and what its apply job compares before `pulumi up --plan`
# (docs/operator.md). Property names only, never values: the list holds no secret. Usage: plan-steps.sh preview.json
set -euo pipefail
jq -r '[.steps[]? | select(.op != "same" and .op != "read" and .op != "refresh")
        | "\(.op) \(.urn)" + (if (.diffReasons // []) | length > 0 then " [\(.diffReasons | sort | join(","))]" else "" end)]
       | sort | .[]' "$1"
