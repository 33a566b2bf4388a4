#!/usr/bin/env bash
# The test command: install what is missing, then run every check and test:
# rustfmt, clippy (server and WASM feature sets), the setup script's own
# tests, the cargo test suites (the store and the real server binary on SQLite
# and on PostgreSQL), a short run of each fuzz target, then the production build (`cargo leptos build
# --release`: release server, wasm-opt'd release WASM) and the Playwright
# suite in Chromium against exactly that (SSR and hydrated projects).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
# Each step says how far into the run it starts (CI keeps the whole run
# under 45 minutes; this shows where the time went).
step() { printf '\n\033[1;34m==> [%d s] %s\033[0m\n' "$(( $(date +%s) - start ))" "$*"; }

step "setup (installs only what is missing)"
./scripts/setup.sh
source scripts/env.sh

export BADGECHECK_VENV=${BADGECHECK_VENV:-$PWD/target/badgecheck-venv}
export LAUREL_TEST_POSTGRES_URL=${LAUREL_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}

step "rustfmt"
cargo fmt --all --check

step "clippy: server side (ssr)"
cargo clippy --all-targets --locked -- -D warnings

step "clippy: browser side (hydrate, wasm32)"
cargo clippy -p laurel-app -p laurel-frontend --target wasm32-unknown-unknown --locked -- -D warnings

step "the setup script's wasm-opt version check"
scripts/tests/check-wasm-opt.sh

step "every Playwright spec runs under the page-error and axe-core fixture"
if grep -ln "import { *test\b.*from '@playwright/test'" end2end/tests/*.spec.ts; then
  echo "these specs import test from '@playwright/test'; import it from './base' instead" >&2
  exit 1
fi

step "cargo test (core, store on SQLite + PostgreSQL, server binary)"
cargo test --locked

step "deployment: the image definition and the Kubernetes manifests (offline schema check)"
"${DEPLOY_CHECK_VENV:-$PWD/target/deploy-check-venv}/bin/python" deploy/check/check.py deploy target/debug/laurel

step "fuzzing: a short run of every fuzz target on its corpus (make fuzz runs them long)"
scripts/fuzz.sh smoke

step "build for production (release server binary + release WASM through wasm-opt + CSS)"
build_start=$(date +%s)
cargo leptos build --release --precompress
wasm=target/site/pkg/laurel.wasm
printf 'release build in %d s; WASM %d bytes raw, %d bytes gzip -9\n' \
  "$(( $(date +%s) - build_start ))" "$(stat -c %s "$wasm")" "$(gzip -9c "$wasm" | wc -c)"

step "Playwright (ssr + hydrated, badgecheck, JOSE, axe-core) against the release build"
mkdir -p target
if ! (cd end2end && LAUREL_BIN=../target/release/laurel npx playwright test 2>&1 | tee ../target/e2e.log; exit "${PIPESTATUS[0]}"); then
  # Again at the very end, where a truncated CI log still shows them: the
  # failed tests, their first error lines and the guard's problems.
  printf '\n\033[1;31m==> Playwright failed:\033[0m\n'
  grep -E '^\s+[0-9]+\) \[|^\s+Error:' target/e2e.log | cut -c1-240 | head -20 || true
  grep -E '^\s+\+\s+"' target/e2e.log | cut -c1-400 | head -15 || true
  exit 1
fi

step "benchmark smoke run (make bench's script, one-second runs, against the release build)"
LAUREL_BENCH_SMOKE=1 LAUREL_BENCH_NO_BUILD=1 scripts/bench.sh

# Tests drop their PostgreSQL databases; a test that panicked cannot, so
# sweep what a failed run may have left.
if command -v psql >/dev/null; then
  for db in $(psql "$LAUREL_TEST_POSTGRES_URL" -Atc \
      "SELECT datname FROM pg_database WHERE datname LIKE 'laurel_test_%'" 2>/dev/null); do
    psql "$LAUREL_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
fi

step "all checks passed in $(( $(date +%s) - start )) s"
