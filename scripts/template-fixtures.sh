#!/usr/bin/env bash
# Regenerates the Go reference outputs of the template fixtures.
#
# For every test/fixtures/template/NAME.tmpl (with NAME.data.json) this runs Go's own
# text/template through Debian's `tmpl` command (apt-get install tmpl) and records
# NAME.out (the rendered bytes) or NAME.err (Go's error message) when Go fails.
# tmpl names the template "main" and decodes the data with encoding/json, so JSON
# numbers are float64 in Go. NAME.coffer.out / NAME.coffer.err are written by hand:
# they hold Coffer's output where it knowingly differs from Go (see README notes in
# test/template/fixtures.test.ts) and are not touched here.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/test/fixtures/template"

if ! command -v tmpl >/dev/null 2>&1; then
  echo "template-fixtures: the 'tmpl' command is not installed (apt-get install tmpl)" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

count=0
for t in "$dir"/*.tmpl; do
  name="$(basename "$t" .tmpl)"
  data="$dir/$name.data.json"
  rm -f "$dir/$name.out" "$dir/$name.err" "$work/main" "$work/stderr"
  cp "$t" "$work/main.tmpl"
  args=()
  if [ -f "$data" ]; then args=(-data "@$data"); fi
  if tmpl "${args[@]}" "$work/main.tmpl" 2>"$work/stderr"; then
    cp "$work/main" "$dir/$name.out"
  else
    cp "$work/stderr" "$dir/$name.err"
  fi
  count=$((count + 1))
done
echo "template-fixtures: recorded Go's output for $count templates in ${dir#"$root"/}"
