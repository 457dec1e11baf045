#!/usr/bin/env bash
# Puts the engine login and the Vault token of one workflow job into this checkout's Pulumi.ci.yaml (encrypted with
# the stack's passphrase; the file is never committed back). Usage: stack-logins.sh <engine user> <engine password>
# <vault token>. Which login a job gets is the workflow's choice: read-only for PR previews and drift, the writing
# ones only in the approved apply job (docs/operator.md, "Credentials"). Values come as arguments from the step's
# environment, never on a logged command line, and go to `pulumi config set` on stdin.
set -euo pipefail
user=${1:-} password=${2:-} token=${3:-}
for v in PULUMI_BACKEND_URL PULUMI_CONFIG_PASSPHRASE; do
  [ -n "${!v:-}" ] || { echo "::error::$v is empty: set it in the repository's or the environment's secrets/variables (docs/operator.md)"; exit 1; }
done
[ -n "$user" ] || { echo "::error::the engine user of this job is empty: set its variable (docs/operator.md, \"Credentials\")"; exit 1; }
[ -n "$password" ] || { echo "::error::the engine password of this job is empty: set its secret (docs/operator.md, \"Credentials\")"; exit 1; }
[ -n "$token" ] || { echo "::error::the Vault token of this job is empty: set its secret (docs/operator.md, \"Credentials\")"; exit 1; }
pulumi config set --stack "${OVIRT_CI_STACK:-ci}" ovirt-ci:engineUsername "$user"
printf '%s' "$password" | pulumi config set --secret --stack "${OVIRT_CI_STACK:-ci}" ovirt-ci:enginePassword
printf '%s' "$token" | pulumi config set --secret --stack "${OVIRT_CI_STACK:-ci}" vault:token
