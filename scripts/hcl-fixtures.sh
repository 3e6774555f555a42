#!/usr/bin/env bash
# Regenerates test/fixtures/hcl/NAME.json (or NAME.err when Go rejects the input) for every NAME.hcl,
# from the HCL1 reference: Go's github.com/hashicorp/hcl (the library Vault uses), built if needed.
# Usage: scripts/hcl-fixtures.sh            (oracle binary: $HCL1_REFERENCE, default /tmp/hcl1json)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/test/fixtures/hcl"
bin="${HCL1_REFERENCE:-/tmp/hcl1json}"
build="$root/../shared/tools/hcl1-reference/build.sh"

if [ ! -x "$bin" ]; then
  echo "building the HCL1 reference into $bin" >&2
  bash "$build" "$bin"
fi

stderr="$(mktemp)"
trap 'rm -f "$stderr"' EXIT
ok=0; rejected=0
for f in "$dir"/*.hcl; do
  name="${f%.hcl}"
  if out="$("$bin" < "$f" 2>"$stderr")"; then
    printf '%s\n' "$out" > "$name.json"
    rm -f "$name.err"
    ok=$((ok + 1))
  else
    # Go reports errors on one line; a panic (e.g. on a bad escape) prints a trace: keep its first line.
    head -n 1 "$stderr" > "$name.err"
    rm -f "$name.json"
    rejected=$((rejected + 1))
  fi
done
echo "hcl fixtures: $ok parsed (.json), $rejected rejected (.err)" >&2
