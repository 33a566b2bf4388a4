#!/usr/bin/env bash
# Create (or reuse) a Python venv with the pinned packages of one
# requirements file. Idempotent: a stamp file in the venv records the hash of
# the requirements; when it matches and the modules import, nothing is done.
# Used by end2end/smtp/setup.sh and deploy/check/setup.sh.
#
#   python-venv.sh NAME VENV REQUIREMENTS "IMPORT STATEMENT"
#   PYTHON  interpreter to build it with (default: python3, 3.8 or later)
#
# Prints the venv path on its last line.
set -euo pipefail

name=$1 venv=$2 req=$3 imports=$4
want="$(sha256sum "$req" | cut -d' ' -f1)"
stamp="$venv/.$name-stamp"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/python" ] &&
   "$venv/bin/python" -c "$imports" >/dev/null 2>&1; then
    echo "$name venv up to date" >&2
    echo "$venv"
    exit 0
fi

py="${PYTHON:-python3}"
if ! "$py" -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 8) else 1)' 2>/dev/null; then
    echo "$name: need Python 3.8 or later (set PYTHON)" >&2
    exit 2
fi
mkdir -p "$(dirname "$venv")"
if [ ! -x "$venv/bin/python" ]; then
    rm -rf "$venv"
    "$py" -m venv "$venv"
fi
rm -f "$stamp"
PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/pip" install --quiet -r "$req"
"$venv/bin/python" -c "$imports"
echo "$want" > "$stamp"
echo "$name venv ready" >&2
echo "$venv"
