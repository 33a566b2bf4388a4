#!/usr/bin/env bash
# Checks that the `wasm-opt` the release build will run is recent enough, and
# says which one it found. cargo-leptos (built with `no_downloads`) runs the
# first `wasm-opt` on PATH; scripts/env.sh puts style/node_modules/.bin (npm
# `binaryen`, pinned in style/package.json) first. Debian's binaryen 108
# (2022) mangles what Rust 1.95 and wasm-bindgen 0.2.130 emit: the release
# WASM then fails to hydrate with "WebAssembly.Table.set(): Argument 1 is
# invalid". The oldest version accepted is the pinned one, the one the test
# command's release build is tested with.
#
# Usage: scripts/check-wasm-opt.sh [WASM_OPT]   (default: the one on PATH)
# Exit 0 when recent enough; 1 with a sentence saying what to do otherwise.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
min=$(sed -n 's/^ *"binaryen": "\([0-9]*\)[.0-9]*",\?$/\1/p' "$root/style/package.json")
if [ -z "$min" ]; then
  echo "check-wasm-opt: no binaryen version pinned in style/package.json" >&2
  exit 1
fi
bin=${1:-$(command -v wasm-opt || true)}
if [ -z "$bin" ]; then
  echo "wasm-opt: not found on PATH; run scripts/setup.sh (it installs npm binaryen $min into style/node_modules/.bin)" >&2
  exit 1
fi
line=$("$bin" --version 2>/dev/null | head -n1 || true)
# "wasm-opt version 132 (version_132)"; Debian prints "wasm-opt version 108".
version=$(printf '%s\n' "$line" | sed -n 's/^wasm-opt version \([0-9][0-9]*\).*/\1/p')
if [ -z "$version" ]; then
  echo "wasm-opt: $bin does not say its version (it printed: ${line:-nothing}); need binaryen $min or newer" >&2
  exit 1
fi
if [ "$version" -lt "$min" ]; then
  echo "wasm-opt: $bin is version $version, too old for the release WASM (it breaks hydration); need $min or newer: run scripts/setup.sh, which installs npm binaryen $min into style/node_modules/.bin, and put that directory first on PATH (scripts/env.sh does)" >&2
  exit 1
fi
echo "wasm-opt: $bin is version $version (>= $min)"
