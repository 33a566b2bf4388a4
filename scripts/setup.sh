#!/usr/bin/env bash
# Installs everything Laurel's build and tests need on a fresh machine, and
# nothing that is already there (each step checks first), so it is cheap to
# run before every build.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
# Must equal the `wasm-bindgen = "=…"` pin in Cargo.toml.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"$/\1/p' Cargo.toml)

say() { printf '\033[1;32m[setup]\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Rust: the toolchain named in rust-toolchain.toml, with the WASM target.
rustup show active-toolchain >/dev/null
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# Debian packages: Chromium for Playwright; for `make bench`, the load
# generator (wrk), the reference web server (nginx), openssl's `speed` and
# perf (where the time goes).
# (Not Debian's binaryen: its wasm-opt 108 breaks the release WASM; npm's
# pinned one is used, below.)
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v wrk >/dev/null || missing+=(wrk)
[ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v openssl >/dev/null || missing+=(openssl)
command -v perf >/dev/null || missing+=(linux-perf)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} from Debian"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# cargo-leptos (≈13 min to build the first time, so only when missing).
if ! cargo leptos --version 2>/dev/null | grep -q " ${CARGO_LEPTOS_VERSION}\$"; then
  say "installing cargo-leptos ${CARGO_LEPTOS_VERSION} (first time only; takes several minutes)"
  cargo install --locked "cargo-leptos@${CARGO_LEPTOS_VERSION}" --features no_downloads
fi

# wasm-bindgen-cli must match the library version exactly. Not --locked: one
# of its locked dependencies is no longer on the registry.
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${WASM_BINDGEN_VERSION}\$"; then
  say "installing wasm-bindgen-cli ${WASM_BINDGEN_VERSION}"
  cargo install wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}" --force
fi

# npm packages (Tailwind and binaryen's wasm-opt in style/, Playwright and
# axe-core in end2end/), from the lock
# files; a stamp with the lock file's hash skips the step when nothing changed.
for dir in style end2end; do
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$dir/node_modules/.laurel-stamp" 2>/dev/null)" != "$want" ]; then
    say "installing npm packages in $dir/"
    # `npm install` rather than `npm ci`: npm 11 leaves the other platforms'
    # optional packages of Tailwind's oxide out of the lock file, which `npm ci`
    # then refuses; `install` still takes the locked versions.
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error)
    sha256sum "$dir/package-lock.json" | cut -d" " -f1 > "$dir/node_modules/.laurel-stamp"
  fi
done
# The release build runs the first wasm-opt on PATH (scripts/env.sh puts
# style/node_modules/.bin first): say which one, and stop if it is too old.
( source scripts/env.sh && scripts/check-wasm-opt.sh )
# The official Open Badges validator (badgecheck) in its own Python venv.
BADGECHECK_VENV=${BADGECHECK_VENV:-$PWD/target/badgecheck-venv} \
  end2end/badgecheck/setup.sh >/dev/null
# The SMTP server of the mail tests (aiosmtpd) in its own Python venv.
SMTP_VENV=${SMTP_VENV:-$PWD/target/smtp-venv} end2end/smtp/setup.sh >/dev/null
# The deployment files' offline checker (kubernetes-validate's bundled
# schemas, dockerfile-parse) in its own Python venv.
DEPLOY_CHECK_VENV=${DEPLOY_CHECK_VENV:-$PWD/target/deploy-check-venv} \
  deploy/check/setup.sh >/dev/null
say "tools ready"
