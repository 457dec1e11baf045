#!/usr/bin/env bash
# The README's first command: set up whatever is missing, then the main job: a real `pulumi up` of the program on
# the local embedded default (engine emulator, OpenBao dev server, loopback sshd as the proxy VM; docs/local.md).
# `npm run down:local` tears it all down again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
# shellcheck source=lib/env.sh
. scripts/lib/env.sh
npm run up:local
