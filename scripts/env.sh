# Sourced by the scripts: puts the project's npm tools (tailwindcss, wasm-opt) first on PATH
# and settles the environment cargo-leptos builds in.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$ROOT/style/node_modules/.bin:$HOME/.cargo/bin:$PATH"
