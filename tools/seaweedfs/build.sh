#!/usr/bin/env bash
# Builds SeaweedFS's `weed` from the wrapper module beside this file into $SEAWEEDFS_DIR/bin/weed
# (tools/versions.env pins the version; scripts/setup.sh calls this; it can also run on its own).
# Cold: ≈ 17 min on a busy 2-core machine, module download included (README "Toolchain").
set -euo pipefail
# shellcheck source=../../scripts/lib/env.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../../scripts/lib/env.sh"
export GOFLAGS=-trimpath CGO_ENABLED=0
command -v go >/dev/null || { echo "Go is required to build weed (Go >= 1.26.6); install Go 1.26 and re-run" >&2; exit 1; }
module_version=$(cd "$OVIRT_CI_ROOT/tools/seaweedfs" && go list -m -f '{{.Version}}' github.com/seaweedfs/seaweedfs)
if [ "$module_version" != "$SEAWEEDFS_PSEUDO_VERSION" ]; then
  echo "tools/seaweedfs/go.mod requires github.com/seaweedfs/seaweedfs $module_version, tools/versions.env pins $SEAWEEDFS_PSEUDO_VERSION: make them equal (then go mod tidy there)" >&2
  exit 1
fi
mkdir -p "$SEAWEEDFS_DIR/bin"
commit=${SEAWEEDFS_PSEUDO_VERSION##*-}
(cd "$OVIRT_CI_ROOT/tools/seaweedfs" && nice -n 10 go build -trimpath \
  -ldflags "-s -w -X github.com/seaweedfs/seaweedfs/weed/util/version.COMMIT=${commit:0:8}" \
  -o "$SEAWEEDFS_DIR/bin/weed.tmp" github.com/seaweedfs/seaweedfs/weed)
mv "$SEAWEEDFS_DIR/bin/weed.tmp" "$SEAWEEDFS_DIR/bin/weed"
"$SEAWEEDFS_DIR/bin/weed" version
