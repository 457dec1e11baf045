#!/usr/bin/env bash
# The up workflow's apply job (writing logins, after a reviewer approved the plan job's steps): a fresh preview with
# these logins saves an update plan; its steps must be the approved ones, line for line, or nothing is applied; then
# `pulumi up --plan` applies that plan, which refuses any operation beyond it (a change between this preview and the
# update fails the update's own preview, before any step). The stack is OVIRT_CI_STACK (default ci).
# Usage: apply.sh <approved steps.txt>
set -euo pipefail
approved=${1:?usage: apply.sh <approved steps.txt>}
stack=${OVIRT_CI_STACK:-ci}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pulumi preview --stack "$stack" --refresh --json --save-plan "$work/plan.json" > "$work/now.json"
bash "$here/plan-steps.sh" "$work/now.json" > "$work/now.txt"
if ! diff -u "$approved" "$work/now.txt"; then
  echo "::error::the stack changed since the plan was approved (diff above: - approved, + now); nothing was applied. Fix: dispatch the workflow again and approve the new plan."
  exit 1
fi
pulumi up --stack "$stack" --yes --refresh --diff --plan "$work/plan.json"
