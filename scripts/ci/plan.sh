#!/usr/bin/env bash
# The up workflow's plan job (read-only logins): `pulumi preview --refresh --diff` for the reviewer and the list of
# steps it proposes (plan-steps.sh), both into <dir>; with GITHUB_STEP_SUMMARY set, both into the job's summary.
# No update plan is saved here: a plan binds the provider configuration it was made with, the job's read-only
# logins included, so the apply job's writing logins would violate it (docs/operator.md, "Applying what was
# approved"). The stack is OVIRT_CI_STACK (default ci). Usage: plan.sh <dir>
set -euo pipefail
dir=${1:?usage: plan.sh <dir>}
stack=${OVIRT_CI_STACK:-ci}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
pulumi preview --stack "$stack" --refresh --diff --color never > "$dir/preview.txt"
pulumi preview --stack "$stack" --refresh --json > "$dir/preview.json"
bash "$here/plan-steps.sh" "$dir/preview.json" > "$dir/steps.txt"
rm -f "$dir/preview.json" # the refreshed states in it are not for the artifact
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  {
    echo '### What `apply` will do once approved'
    echo '```'
    cat "$dir/steps.txt"
    echo '```'
    echo '<details><summary>pulumi preview --diff</summary>'
    echo
    echo '```'
    head -c 900000 "$dir/preview.txt"
    echo '```'
    echo '</details>'
  } >> "$GITHUB_STEP_SUMMARY"
fi
