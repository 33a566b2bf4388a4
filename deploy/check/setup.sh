#!/usr/bin/env bash
# Create (or reuse) the Python venv that checks the deployment files
# (kubernetes-validate, with its bundled Kubernetes schemas: no network at
# check time; dockerfile-parse), pinned in requirements.txt. Idempotent: a
# stamp file in the venv records the hash of requirements.txt.
#
#   DEPLOY_CHECK_VENV    venv path (default: ../../target/deploy-check-venv from this dir)
#   DEPLOY_CHECK_PYTHON  interpreter to build it with (default: python3, 3.8 or later)
#
# Prints the venv path on its last line.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${DEPLOY_CHECK_VENV:-$here/../../target/deploy-check-venv}"
req="$here/requirements.txt"
want="$(sha256sum "$req" | cut -d' ' -f1)"
stamp="$venv/.deploy-check-stamp"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/python" ] &&
   "$venv/bin/python" -c 'import kubernetes_validate, dockerfile_parse' >/dev/null 2>&1; then
    echo "deploy-check venv up to date" >&2
    echo "$venv"
    exit 0
fi

py="${DEPLOY_CHECK_PYTHON:-python3}"
if ! "$py" -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 8) else 1)' 2>/dev/null; then
    echo "setup.sh: need Python 3.8 or later (set DEPLOY_CHECK_PYTHON)" >&2
    exit 2
fi
mkdir -p "$(dirname "$venv")"
if [ ! -x "$venv/bin/python" ]; then
    rm -rf "$venv"
    "$py" -m venv "$venv"
fi
rm -f "$stamp"
PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/pip" install --quiet -r "$req"
"$venv/bin/python" -c 'import kubernetes_validate, dockerfile_parse'
echo "$want" > "$stamp"
echo "deploy-check venv ready" >&2
echo "$venv"
