#!/usr/bin/env bash
# The README's test command: set up whatever is missing, then run every test tier.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
# shellcheck source=lib/env.sh
. scripts/lib/env.sh
npm test
