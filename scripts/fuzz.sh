#!/usr/bin/env bash
# Coverage-guided fuzzing of the core library's parsers (fuzz/): libFuzzer
# (the libfuzzer-sys crate) on the stable toolchain, instrumented with
# rustc's SanitizerCoverage flags, the ones cargo-fuzz passes. No nightly:
# cargo-fuzz only adds sanitizers on top, which need one.
#
#   scripts/fuzz.sh smoke          every target for FUZZ_SMOKE_RUNS executions
#                                  (default 20,000) on its corpus; the test
#                                  command runs this
#   scripts/fuzz.sh long [RUNS]    every target to RUNS executions (default
#                                  10,000,000); what found new coverage is
#                                  merged into fuzz/corpus; prints a table
#   scripts/fuzz.sh run TARGET …   one target, with libFuzzer's own arguments
#
# A crash stops with the input saved under target/fuzz/artifacts/TARGET/;
# replay it with `scripts/fuzz.sh run TARGET that-file`.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=(unbake_png unbake_svg check_image parse_csv jws verify remote)
TRIPLE=$(rustc -vV | sed -n 's/^host: //p')
export CARGO_TARGET_DIR=$PWD/target/fuzz
# Only the fuzz targets' own crates are instrumented (`--target` keeps
# RUSTFLAGS off build scripts and proc macros, which would not link).
export RUSTFLAGS="-Cpasses=sancov-module \
 -Cllvm-args=-sanitizer-coverage-level=4 \
 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
 -Cllvm-args=-sanitizer-coverage-pc-table \
 -Cllvm-args=-sanitizer-coverage-trace-compares \
 --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
cargo build --release --locked --manifest-path fuzz/Cargo.toml --target "$TRIPLE" --bins
BIN=$CARGO_TARGET_DIR/$TRIPLE/release

say() { printf '\033[1;32m[fuzz]\033[0m %s\n' "$*"; }

# run TARGET RUNS WORKDIR: fuzzes TARGET for RUNS executions, starting from
# its corpus (read) and writing what it finds to WORKDIR; prints
# "executions exec/s new-units".
run() {
  local target=$1 runs=$2 work=$3
  mkdir -p "$work" "$CARGO_TARGET_DIR/artifacts/$target"
  local log=$work.log
  if ! "$BIN/$target" -runs="$runs" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$CARGO_TARGET_DIR/artifacts/$target/" \
      "$work" "fuzz/corpus/$target" >"$log" 2>&1; then
    tail -40 "$log" >&2
    echo "fuzz target $target failed: the input is in $CARGO_TARGET_DIR/artifacts/$target/" >&2
    return 1
  fi
  local execs rate new
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  new=$(sed -n 's/^stat::new_units_added: *//p' "$log")
  echo "${execs:-?} ${rate:-?} ${new:-?}"
}

case "${1:-smoke}" in
  smoke)
    RUNS=${FUZZ_SMOKE_RUNS:-20000}
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
    for t in "${TARGETS[@]}"; do
      started=$SECONDS
      out=$(run "$t" "$RUNS" "$WORK/$t") || exit 1
      read -r execs _ _ <<<"$out"
      say "$t: $execs executions in $(( SECONDS - started )) s (corpus of $(find "fuzz/corpus/$t" -type f | wc -l) first), no crash"
    done
    ;;
  long)
    RUNS=${2:-10000000}
    WORK=$CARGO_TARGET_DIR/work
    rm -rf "$WORK"
    printf '| target | executions | exec/s | time | corpus before → after |\n|---|---|---|---|---|\n' >"$CARGO_TARGET_DIR/long.md"
    for t in "${TARGETS[@]}"; do
      before=$(find "fuzz/corpus/$t" -type f | wc -l)
      started=$SECONDS
      out=$(run "$t" "$RUNS" "$WORK/$t") || exit 1
      read -r execs rate _ <<<"$out"
      took=$(( SECONDS - started ))
      # Keep only what adds coverage to the corpus in the repository.
      "$BIN/$t" -merge=1 -max_len=16384 "fuzz/corpus/$t" "$WORK/$t" >/dev/null 2>&1
      after=$(find "fuzz/corpus/$t" -type f | wc -l)
      printf '| %s | %s | %s | %d min %02d s | %s → %s |\n' "$t" "$execs" "$rate" $((took / 60)) $((took % 60)) "$before" "$after" \
        | tee -a "$CARGO_TARGET_DIR/long.md"
    done
    say "table in $CARGO_TARGET_DIR/long.md"
    ;;
  run)
    shift
    t=$1
    shift
    exec "$BIN/$t" -max_len=16384 "$@"
    ;;
  *)
    echo "usage: scripts/fuzz.sh smoke | long [RUNS] | run TARGET [ARGS…]" >&2
    exit 2
    ;;
esac
