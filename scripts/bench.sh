#!/usr/bin/env bash
# `make bench`: Laurel's speed against this machine's own limits, measured
# side by side in one run, printed as one table (figure, SQLite, PostgreSQL,
# reference, ratio, goal, met).
#
# - Load comes from wrk, on loopback only, bounded in time.
# - References: `openssl speed -multi <cores> rsa2048` (signing), and nginx
#   serving the very bytes of the hosted assertion as a static file.
# - The release build (`cargo leptos build --release --precompress`) is
#   used; it is built first unless LAUREL_BENCH_NO_BUILD=1.
# - The CSV batch figure comes from `cargo bench -p laurel-service --bench
#   batch` (LAUREL_BENCH_ROWS rows, default 100,000).
#
# LAUREL_BENCH_SMOKE=1 (the test command): one-second runs and no batch, to
# prove the script still works; its figures mean nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

SMOKE=${LAUREL_BENCH_SMOKE:-0}
SECONDS_PER_RUN=${LAUREL_BENCH_SECONDS:-10}
[ "$SMOKE" = 1 ] && SECONDS_PER_RUN=1
CONNECTIONS=64
CORES=$(nproc)
PG_URL=${LAUREL_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
BIN=${LAUREL_BIN:-target/release/laurel}
SITE=${LEPTOS_SITE_ROOT:-target/site}
WORK=$(mktemp -d /tmp/laurel-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "${PG_DB:-}" ]; then
    psql "$PG_URL" -qc "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
say() { printf '\033[1;34m[bench]\033[0m %s\n' "$*" >&2; }

for tool in wrk openssl /usr/sbin/nginx curl psql; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing; run scripts/setup.sh" >&2; exit 1; }
done
if [ "${LAUREL_BENCH_NO_BUILD:-0}" != 1 ]; then
  say "release build"
  cargo leptos build --release --precompress >&2
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wrk's figures for one URL: "requests/s p99_ms".
load() {
  local url=$1; shift
  wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$@" "$url" 2>/dev/null |
    awk '/Requests\/sec/ {rps=$2}
         /^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; p99=v}
         END {printf "%.0f %.1f\n", rps, p99}'
}

wait_ready() {
  local base=$1
  for _ in $(seq 1 300); do
    curl -fs "$base/readyz" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "bench: the server at $base did not become ready" >&2
  return 1
}

# Starts Laurel on a data dir (and database URL); sets BASE and PID.
start() {
  local dir=$1 db=${2:-}
  local port; port=$(free_port)
  BASE="http://127.0.0.1:$port"
  env -u DATABASE_URL LAUREL_DATA_DIR="$dir" ${db:+DATABASE_URL=$db} \
    LEPTOS_SITE_ADDR="127.0.0.1:$port" LAUREL_PUBLIC_URL="$BASE" LEPTOS_SITE_ROOT="$SITE" \
    RUST_LOG=error "$BIN" serve >/dev/null 2>"$dir/server.log" &
  PID=$!
  PIDS+=("$PID")
}

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

# Where the time goes: `perf record` on the server during a load run (SQLite,
# not in the smoke run), then the top symbols by self time. Off with
# LAUREL_BENCH_PROFILE=0, or when perf is missing or not allowed.
PROFILE=${LAUREL_BENCH_PROFILE:-1}
[ "$SMOKE" = 1 ] && PROFILE=0
command -v perf >/dev/null || PROFILE=0
PROFILES=$WORK/profiles.txt
: > "$PROFILES"
# profiled NAME PID: starts perf on PID for the length of one load run.
profiled() {
  local name=$1 pid=$2
  [ "$PROFILE" = 1 ] || return 0
  perf record -F 499 -g -p "$pid" -o "$WORK/$name.perf" -- sleep "$SECONDS_PER_RUN" >/dev/null 2>&1 &
  PERF_PID=$!
}
# profile_report NAME: waits for perf and appends its top symbols.
profile_report() {
  local name=$1
  [ "$PROFILE" = 1 ] || return 0
  [ -n "${PERF_PID:-}" ] && { wait "$PERF_PID" 2>/dev/null || true; }
  {
    echo "$name (perf, self time, top symbols):"
    perf report -i "$WORK/$name.perf" --no-children --sort symbol --stdio --percent-limit 2 2>/dev/null |
      grep -E '^ +[0-9.]+%' | head -10 | sed -E 's/ +\[\.\] / /; s/^ +/    /' | cut -c1-140
    echo
  } >> "$PROFILES"
}

# One backend: demo data, a profile with 50 badges, then each load run.
measure() {
  local name=$1 db=${2:-}
  local dir="$WORK/$name"; mkdir -p "$dir"
  say "$name: demo data"
  env -u DATABASE_URL LAUREL_DATA_DIR="$dir" ${db:+DATABASE_URL=$db} LAUREL_PUBLIC_URL=http://bench.invalid \
    RUST_LOG=error "$BIN" demo > "$dir/demo.txt"
  local assertion; assertion=$(awk '$1 == "assertion-hosted" {print $2}' "$dir/demo.txt" | sed 's#^https\?://[^/]*##')
  local profile; profile=$(awk '$1 == "profile" {print $2}' "$dir/demo.txt" | sed 's#^https\?://[^/]*##')
  start "$dir" "$db"; wait_ready "$BASE"
  say "$name: hosted assertion, verification page, profile ($SECONDS_PER_RUN s each, $CONNECTIONS connections)"
  curl -fs -H 'Accept: application/ld+json' "$BASE$assertion" > "$WORK/assertion.json"
  local p=0; [ "$name" = sqlite ] && p=1
  [ "$p" = 1 ] && profiled hosted "$PID"
  read -r DOC_RPS DOC_P99 < <(load "$BASE$assertion" -H 'Accept: application/ld+json')
  [ "$p" = 1 ] && profile_report hosted
  [ "$p" = 1 ] && profiled verification-page "$PID"
  read -r PAGE_RPS PAGE_P99 < <(load "$BASE$assertion" -H 'Accept: text/html')
  [ "$p" = 1 ] && profile_report verification-page
  [ "$p" = 1 ] && profiled profile-page "$PID"
  read -r PROFILE_RPS PROFILE_P99 < <(load "$BASE$profile" -H 'Accept: text/html')
  [ "$p" = 1 ] && profile_report profile-page
  RSS=$(rss_mb "$PID")
  kill "$PID"; wait "$PID" 2>/dev/null || true
  # Start to /readyz on the existing database.
  local t0; t0=$(date +%s%N)
  start "$dir" "$db"; wait_ready "$BASE"
  READY_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
  kill "$PID"; wait "$PID" 2>/dev/null || true
  printf -v "R_${name}" '%s' "$DOC_RPS $DOC_P99 $PAGE_RPS $PAGE_P99 $PROFILE_RPS $PROFILE_P99 $RSS $READY_MS"
}

measure sqlite
PG_DB="laurel_bench_$$"
psql "$PG_URL" -qc "CREATE DATABASE \"$PG_DB\"" >/dev/null
measure postgres "${PG_URL%/*}/$PG_DB"

say "nginx: the same assertion bytes as a static file"
NGINX_PORT=$(free_port)
mkdir -p "$WORK/nginx/www" "$WORK/nginx/tmp"
cp "$WORK/assertion.json" "$WORK/nginx/www/assertion.json"
cat > "$WORK/nginx/nginx.conf" <<EOF
worker_processes $CORES;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/tmp; proxy_temp_path $WORK/nginx/tmp;
  fastcgi_temp_path $WORK/nginx/tmp; uwsgi_temp_path $WORK/nginx/tmp; scgi_temp_path $WORK/nginx/tmp;
  types { application/ld+json json; }
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK/nginx/www; etag on; }
}
EOF
/usr/sbin/nginx -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
PIDS+=($!)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$NGINX_PORT/assertion.json" >/dev/null && break; sleep 0.05; done
read -r NGINX_RPS NGINX_P99 < <(load "http://127.0.0.1:$NGINX_PORT/assertion.json" -H 'Accept: application/ld+json')

say "openssl speed: RSA-2048 signatures on $CORES cores"
SIGNS=$(openssl speed -seconds "$([ "$SMOKE" = 1 ] && echo 1 || echo 5)" -multi "$CORES" rsa2048 2>/dev/null |
  awk '/^rsa 2048 bits/ {print $6}' | tail -1)
SIGNS=${SIGNS%.*}
# Two RSA signatures per badge: the OB 2.0 JWS and the OB 3.0 VC-JWT.
BADGE_LIMIT=$(( SIGNS / 2 ))

BATCH_SQLITE=- BATCH_PG=- BATCH_SQLITE_S=- BATCH_PG_S=-
ROWS=${LAUREL_BENCH_ROWS:-100000}
if [ "$SMOKE" != 1 ]; then
  say "CSV batch of $ROWS rows on both backends (cargo bench -p laurel-service --bench batch)"
  cargo bench -p laurel-service --bench batch --locked --no-run >/dev/null 2>&1
  if [ "$PROFILE" = 1 ]; then
    LAUREL_BENCH_ROWS=$ROWS perf record -F 199 -g -o "$WORK/batch.perf" -- \
      cargo bench -p laurel-service --bench batch --locked 2>/dev/null | tee "$WORK/batch.txt" >&2
    PERF_PID=""
    profile_report batch
  else
    LAUREL_BENCH_ROWS=$ROWS cargo bench -p laurel-service --bench batch --locked 2>/dev/null | tee "$WORK/batch.txt" >&2
  fi
  BATCH_SQLITE=$(awk '$1 == "sqlite" {for (i=1;i<=NF;i++) if ($i ~ /^\(/ && $(i+1) == "badges/s,") print substr($i,2)}' "$WORK/batch.txt")
  BATCH_PG=$(awk '$1 == "postgres" {for (i=1;i<=NF;i++) if ($i ~ /^\(/ && $(i+1) == "badges/s,") print substr($i,2)}' "$WORK/batch.txt")
fi

WASM_BR=0
for f in laurel.wasm laurel.js laurel.css; do
  if [ -f "$SITE/pkg/$f.br" ]; then WASM_BR=$(( WASM_BR + $(stat -c %s "$SITE/pkg/$f.br") )); fi
done

# A figure that is not a positive number means a run failed: say so and fail
# (the smoke run in the test command exists to catch exactly that).
for figure in $R_sqlite $R_postgres "$NGINX_RPS" "$SIGNS" "$WASM_BR"; do
  if ! awk -v v="$figure" 'BEGIN { exit !(v ~ /^[0-9.]+$/ && v + 0 > 0) }'; then
    echo "bench: a run gave no figure (sqlite: $R_sqlite; postgres: $R_postgres; nginx: $NGINX_RPS; openssl: $SIGNS; bundle: $WASM_BR)" >&2
    exit 1
  fi
done

read -r S_DOC S_DOCP S_PAGE S_PAGEP S_PROF S_PROFP S_RSS S_READY <<< "$R_sqlite"
read -r P_DOC P_DOCP P_PAGE P_PAGEP P_PROF P_PROFP P_RSS P_READY <<< "$R_postgres"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == 0) print "-"; else printf "%.2f×", a / b }'; }
met() { awk -v v="$1" -v op="$2" -v g="$3" 'BEGIN {
  if (v == "-" || v == "") { print "—"; exit }
  ok = (op == ">=") ? (v + 0 >= g + 0) : (v + 0 < g + 0); print ok ? "yes" : "**no**" }'; }
worst() { awk -v a="$1" -v b="$2" -v op="$3" 'BEGIN { if (a == "-") {print b; exit} if (b == "-") {print a; exit}
  if (op == "min") print (a + 0 < b + 0 ? a : b); else print (a + 0 > b + 0 ? a : b) }'; }

DOC_RATIO_MIN=$(awk -v s="$S_DOC" -v p="$P_DOC" -v n="$NGINX_RPS" 'BEGIN { m = (s < p ? s : p); printf "%.2f", m / n }')
BATCH_MIN=$(worst "$BATCH_SQLITE" "$BATCH_PG" min)
BATCH_RATIO=$(awk -v b="$BATCH_MIN" -v l="$BADGE_LIMIT" 'BEGIN { if (b == "-") print "-"; else printf "%.2f", b / l }')

echo
echo "Laurel benchmark, $(date -u +%Y-%m-%d), $CORES cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), wrk ${SECONDS_PER_RUN} s at $CONNECTIONS connections$([ "$SMOKE" = 1 ] && echo ' — SMOKE RUN, figures meaningless')"
echo
echo "| figure | SQLite | PostgreSQL | reference | ratio (worse backend) | goal | met |"
echo "|---|---|---|---|---|---|---|"
echo "| signed issuance, CSV batch of $ROWS rows, badges/s | $BATCH_SQLITE | $BATCH_PG | openssl: $SIGNS signs/s ÷ 2 = $BADGE_LIMIT badges/s | $BATCH_RATIO× | ≥ 0.7× | $(met "$BATCH_RATIO" '>=' 0.7) |"
echo "| hosted assertion GET (ld+json), req/s | $S_DOC (p99 $S_DOCP ms) | $P_DOC (p99 $P_DOCP ms) | nginx, same bytes: $NGINX_RPS (p99 $NGINX_P99 ms) | ${DOC_RATIO_MIN}× | ≥ 0.5× | $(met "$DOC_RATIO_MIN" '>=' 0.5) |"
echo "| verification page (SSR), p99 ms | $S_PAGEP ($S_PAGE req/s) | $P_PAGEP ($P_PAGE req/s) | — | — | < 20 ms | $(met "$(worst "$S_PAGEP" "$P_PAGEP" max)" '<' 20) |"
echo "| the demo holder's profile page (SSR), p99 ms | $S_PROFP ($S_PROF req/s) | $P_PROFP ($P_PROF req/s) | — | — | < 20 ms | $(met "$(worst "$S_PROFP" "$P_PROFP" max)" '<' 20) |"
echo "| server RSS after the load runs, MB | $S_RSS | $P_RSS | — | — | < 150 | $(met "$(worst "$S_RSS" "$P_RSS" max)" '<' 150) |"
echo "| start to /readyz on an existing database, ms | $S_READY | $P_READY | — | — | < 1000 | $(met "$(worst "$S_READY" "$P_READY" max)" '<' 1000) |"
echo "| WASM + JS + CSS of the verification page, brotli, KB | $(( WASM_BR / 1024 )) | | — | — | < 400 | $(met "$(( WASM_BR / 1024 ))" '<' 400) |"
if [ -s "$PROFILES" ]; then
  echo
  echo "Where the time goes (SQLite):"
  echo
  cat "$PROFILES"
fi
