#!/usr/bin/env bash
# The run command: install what is missing, build, and serve Laurel at
# http://127.0.0.1:3000 on a SQLite file under ./data (created on first start).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
source scripts/env.sh
exec cargo leptos serve "$@"
