#!/usr/bin/env bash
# The run command: install what is missing, build, and serve Laurel at
# http://127.0.0.1:3000 on a SQLite file under ./data (created on first start).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
source scripts/env.sh
# Development mode: the mail Laurel writes is listed at /dev/mail.
export LEPTOS_ENV=${LEPTOS_ENV:-DEV}
exec cargo leptos serve "$@"
