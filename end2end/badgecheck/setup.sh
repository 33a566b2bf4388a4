#!/usr/bin/env bash
# Create (or reuse) the Python 3.11 venv that runs the Open Badges validator
# badgecheck 1.1.8. Idempotent: a stamp file in the venv records the hash of
# requirements.txt + the badgecheck version; when it matches, nothing is done.
#
#   BADGECHECK_VENV   venv path (default: ../../target/badgecheck-venv from this dir)
#   BADGECHECK_PYTHON interpreter to build it with (default: python3.11, else python3 if it is 3.11)
#
# Prints the venv path on its last line.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${BADGECHECK_VENV:-$here/../../target/badgecheck-venv}"
badgecheck_version="1.1.8"
req="$here/requirements.txt"

pick_python() {
    if [ -n "${BADGECHECK_PYTHON:-}" ]; then echo "$BADGECHECK_PYTHON"; return; fi
    for cand in python3.11 python3; do
        if command -v "$cand" >/dev/null 2>&1 &&
           "$cand" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
            echo "$cand"; return
        fi
    done
    echo "setup.sh: need Python 3.11 (set BADGECHECK_PYTHON)" >&2
    exit 2
}

want="$( { cat "$req"; echo "badgecheck==$badgecheck_version --no-deps"; } | sha256sum | cut -d' ' -f1)"
stamp="$venv/.badgecheck-stamp"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/python" ] &&
   "$venv/bin/python" -c 'import openbadges, openbadges_bakery, Crypto, jose' >/dev/null 2>&1; then
    echo "badgecheck venv up to date" >&2
    echo "$venv"
    exit 0
fi

py="$(pick_python)"
mkdir -p "$(dirname "$venv")"
if [ ! -x "$venv/bin/python" ] ||
   ! "$venv/bin/python" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
    rm -rf "$venv"
    "$py" -m venv "$venv"
fi
rm -f "$stamp"

export PIP_DISABLE_PIP_VERSION_CHECK=1
"$venv/bin/pip" install --quiet -r "$req"
"$venv/bin/pip" install --quiet --no-deps "badgecheck==$badgecheck_version"
# python-jose 3.2.0 must use its pycryptodome backend (see requirements.txt).
if "$venv/bin/python" -c 'import cryptography' >/dev/null 2>&1; then
    "$venv/bin/pip" uninstall --quiet -y cryptography
fi
"$venv/bin/python" - <<'EOF'
import jose.backends
import openbadges, openbadges_bakery  # noqa: F401
assert "pycrypto_backend" in jose.backends.RSAKey.__module__, jose.backends.RSAKey
EOF

echo "$want" > "$stamp"
echo "badgecheck venv ready" >&2
echo "$venv"
