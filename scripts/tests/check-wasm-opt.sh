#!/usr/bin/env bash
# Tests scripts/check-wasm-opt.sh against stand-in `wasm-opt` programs that
# print what Debian's 108, the pinned npm binaryen and a broken install print,
# and against the real one on PATH. Ends with "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
check=$root/scripts/check-wasm-opt.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

fake() { # name, what it prints for --version
  printf '#!/bin/sh\necho "%s"\n' "$2" >"$tmp/$1"
  chmod +x "$tmp/$1"
}
expect() { # description, expected exit code, pattern in the output, args...
  local what=$1 want=$2 pattern=$3
  shift 3
  local out code
  out=$("$check" "$@" 2>&1)
  code=$?
  if [ "$code" = "$want" ] && grep -q -- "$pattern" <<<"$out"; then
    passed=$((passed + 1))
    echo "ok: $what"
  else
    failed=$((failed + 1))
    echo "FAILED: $what (exit $code, wanted $want; output: $out)"
  fi
}

fake debian 'wasm-opt version 108'
fake pinned 'wasm-opt version 132 (version_132)'
fake newer 'wasm-opt version 140 (version_140)'
fake silent ''
expect "Debian's binaryen 108 is refused and the fix is named" 1 'version 108, too old' "$tmp/debian"
expect "the pinned version passes" 0 'version 132 (>= 132)' "$tmp/pinned"
expect "a newer version passes" 0 'version 140' "$tmp/newer"
expect "a program that prints no version is refused" 1 'does not say its version' "$tmp/silent"
expect "a missing program is refused" 1 'does not say its version' "$tmp/absent"
expect "the wasm-opt on the build's PATH is recent enough" 0 'style/node_modules/.bin/wasm-opt'

echo "check-wasm-opt: $passed passed, $failed failed"
[ "$failed" = 0 ]
