#!/usr/bin/env bash
# The restore drill of docs/operator.md ("The `ci` stack's state"), on a stack whose state is in an S3 bucket:
#   1. the stack reads (`pulumi stack export`) and no run holds it (no lock object);
#   2. a bad write: a truncated checkpoint put over it, as a new object version (what a broken writer leaves);
#   3. the CLI no longer loads the stack;
#   4. the restore, with the commands docs/operator.md gives: list-object-versions of the checkpoint's key, get-object
#      of each earlier version newest first until jq parses it, copy-object of that version over the key;
#   5. the stack reads again with as many resources as before; with --up, `pulumi up --refresh` runs on it.
#
#   scripts/restore-drill.sh --stack <name> [--cwd <project dir>] [--up]      (npm run restore-drill -- …)
#
# Environment: PULUMI_BACKEND_URL=s3://<bucket>[/<prefix>]?…, PULUMI_CONFIG_PASSPHRASE (or _FILE) and the bucket's
# AWS credentials, as for any pulumi command. Without PULUMI_BACKEND_URL: the local default's state after
# `npm run up:local -- --backend s3`. Refuses the stack `ci`: the drill breaks the checkpoint on purpose; drill on a
# stack made for it (or the local default), then restore `ci` the same way when it is needed.
# Exit 0: restored and readable (and converged with --up); 1: a step failed (it says which); 2: usage.
set -euo pipefail
# shellcheck source=lib/env.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/env.sh"

say() { printf '[drill] %s\n' "$*"; }
die() { printf '[drill] FAILED: %s\n' "$1" >&2; [ -n "${2:-}" ] && printf '  fix: %s\n' "$2" >&2; exit 1; }
usage() { echo "usage: scripts/restore-drill.sh --stack <name> [--cwd <project dir>] [--up]" >&2; exit 2; }

stack="" cwd="$OVIRT_CI_ROOT" run_up=false
while [ $# -gt 0 ]; do
  case "$1" in
    --stack) [ $# -ge 2 ] || usage; stack=$2; shift 2 ;;
    --cwd) [ $# -ge 2 ] || usage; cwd=$(cd "$2" && pwd); shift 2 ;;
    --up) run_up=true; shift ;;
    *) usage ;;
  esac
done
[ -n "$stack" ] || usage
[ "$stack" != ci ] || die "the drill damages the checkpoint of the stack it runs on; it never runs on ci" \
  "drill on the local default (npm run up:local -- --backend s3, then --stack local) or on a stack made for it"
for tool in pulumi aws jq; do
  command -v "$tool" >/dev/null || die "$tool is not on PATH" "run scripts/setup.sh, then source scripts/lib/env.sh"
done

if [ -z "${PULUMI_BACKEND_URL:-}" ]; then
  # the local default's bucket (local/seaweedfs.ts, localS3Backend) and passphrase
  local_env=$(cd "$OVIRT_CI_ROOT" && node -r ts-node/register/transpile-only -e \
    'process.stdout.write(JSON.stringify(require("./local/seaweedfs").localS3Backend(".local") ?? null))')
  [ "$local_env" != null ] || die "PULUMI_BACKEND_URL is not set and the local default keeps no S3 state" \
    "export the stack's PULUMI_BACKEND_URL (s3://…), or npm run up:local -- --backend s3 first"
  while IFS='=' read -r k v; do export "$k=$v"; done < <(jq -r 'to_entries[] | "\(.key)=\(.value)"' <<<"$local_env")
  [ -n "${PULUMI_CONFIG_PASSPHRASE:-}${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ] || export PULUMI_CONFIG_PASSPHRASE_FILE="$OVIRT_CI_ROOT/.local/passphrase"
fi
url=$PULUMI_BACKEND_URL
[[ $url == s3://* ]] || die "PULUMI_BACKEND_URL is not an s3:// backend" "the drill is for a versioned S3 bucket"

# s3://<bucket>[/<prefix>]?endpoint=…&disableSSL=…&region=… (gocloud.dev s3blob options, scripts/lib/s3Backend.ts)
rest=${url#s3://} query=""
[[ $rest == *\?* ]] && query=${rest#*\?}
where=${rest%%\?*} bucket=${where%%/*} prefix=""
[[ $where == */* ]] && prefix=${where#*/}
prefix=${prefix%/}
param() { tr '&' '\n' <<<"$query" | sed -n "s/^$1=//p" | head -n 1; }
aws_args=()
endpoint=$(param endpoint)
if [ -n "$endpoint" ]; then
  [[ $endpoint == http* ]] || endpoint="$([ "$(param disableSSL)" = true ] && echo http || echo https)://$endpoint"
  aws_args+=(--endpoint-url "$endpoint")
fi
region=$(param region)
[ -z "$region" ] || aws_args+=(--region "$region")
awss3() { aws "${aws_args[@]}" s3api "$@"; }
export PULUMI_SKIP_UPDATE_CHECK=true
cli() { (cd "$cwd" && pulumi "$@" --stack "$stack" --non-interactive --color never); }

project=$(sed -n 's/^name: *//p' "$cwd/Pulumi.yaml" | head -n 1)
bk="${prefix:+$prefix/}.pulumi"
key="$bk/stacks/$project/$stack.json"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say "stack $stack: checkpoint s3://$bucket/$key${endpoint:+ at $endpoint}"

# 1. readable and not held
cli stack export >"$tmp/before.json" 2>"$tmp/err" || die "the stack does not read before the drill: $(tail -n 3 "$tmp/err")" \
  "this is the restore itself, not a drill: docs/operator.md, \"Restore a previous checkpoint version\""
resources=$(jq '.deployment.resources // [] | length' "$tmp/before.json")
locks=$(awss3 list-objects-v2 --bucket "$bucket" --prefix "$bk/locks/organization/$project/$stack/" --query 'Contents[].Key' --output text)
[ -z "$locks" ] || [ "$locks" = None ] || die "a run holds the stack: $locks" "wait for it, or npm run recover; then drill again"
[ "$(awss3 get-bucket-versioning --bucket "$bucket" --query Status --output text)" = Enabled ] ||
  die "versioning is not on for the bucket $bucket: a bad write would lose the checkpoint for good" \
    "aws s3api put-bucket-versioning --bucket $bucket --versioning-configuration Status=Enabled (docs/operator.md)"
say "1. the stack reads: $resources resources; no lock; versioning Enabled"

# 2. a bad write, as a new version
printf '{"version": 3, "checkpoint": {"latest": {"resources": [' >"$tmp/bad.json"
bad=$(awss3 put-object --bucket "$bucket" --key "$key" --body "$tmp/bad.json" --query VersionId --output text)
say "2. wrote a truncated checkpoint over it: version $bad"

# 3. the CLI cannot load it
if cli stack export >/dev/null 2>"$tmp/err"; then die "the CLI still reads the stack after the bad write"; fi
say "3. pulumi stack export fails: $(grep -m1 -i 'error' "$tmp/err" || tail -n 1 "$tmp/err")"

# 4. the documented restore: the newest earlier version that jq parses becomes the current one
awss3 list-object-versions --bucket "$bucket" --prefix "$key" \
  --query "Versions[?Key=='$key'].{id:VersionId,at:LastModified,size:Size,latest:IsLatest}" --output json >"$tmp/versions.json"
say "4. $(jq length "$tmp/versions.json") versions of the checkpoint; the newest:"
jq -r '.[:5][] | "     \(.id)  \(.at)  \(.size) bytes\(if .latest then "  (current)" else "" end)"' "$tmp/versions.json"
chosen=""
for id in $(jq -r '.[] | select(.latest | not) | .id' "$tmp/versions.json"); do
  awss3 get-object --bucket "$bucket" --key "$key" --version-id "$id" "$tmp/ci.json" >/dev/null
  if summary=$(jq -c '.checkpoint.latest | {resources: (.resources | length), pending: (.pending_operations // [] | length)}' "$tmp/ci.json" 2>/dev/null); then
    chosen=$id
    say "   version $id parses: $summary"
    break
  fi
  say "   version $id does not parse"
done
[ -n "$chosen" ] || die "no earlier version of $key parses" "restore from a stack export you keep (pulumi stack import)"
awss3 copy-object --bucket "$bucket" --key "$key" --copy-source "$bucket/$key?versionId=$chosen" >/dev/null
say "   aws s3api copy-object: version $chosen is the current one again (the bad version $bad stays as a noncurrent one)"

# 5. readable again, the same resources
cli stack export >"$tmp/after.json" 2>"$tmp/err" || die "the stack does not read after the restore: $(tail -n 3 "$tmp/err")"
after=$(jq '.deployment.resources // [] | length' "$tmp/after.json")
[ "$after" = "$resources" ] || die "the restored checkpoint has $after resources, the stack had $resources"
say "5. the stack reads again: $after resources"
if $run_up; then
  say "   pulumi up --yes --skip-preview --refresh"
  cli up --yes --skip-preview --refresh >"$tmp/up.log" 2>&1 || { tail -n 25 "$tmp/up.log" >&2; die "up after the restore failed"; }
  say "   up: $(grep -E '^ +[0-9]+ (unchanged|created|updated|deleted|replaced)' "$tmp/up.log" | tr -s ' ' | paste -sd, -)"
fi
say "done: restored from version $chosen"
