#!/usr/bin/env bash
# Create (or reuse) the Python venv that runs server.py, the SMTP server of
# Laurel's mail tests (aiosmtpd, pinned in requirements.txt). Idempotent: a
# stamp file in the venv records the hash of requirements.txt; when it matches
# and the package imports, nothing is done.
#
#   SMTP_VENV    venv path (default: ../../target/smtp-venv from this dir)
#   SMTP_PYTHON  interpreter to build it with (default: python3, 3.8 or later)
#
# Prints the venv path on its last line.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${SMTP_VENV:-$here/../../target/smtp-venv}"
req="$here/requirements.txt"
want="$(sha256sum "$req" | cut -d' ' -f1)"
stamp="$venv/.smtp-stamp"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/python" ] &&
   "$venv/bin/python" -c 'import aiosmtpd' >/dev/null 2>&1; then
    echo "smtp venv up to date" >&2
    echo "$venv"
    exit 0
fi

py="${SMTP_PYTHON:-python3}"
if ! "$py" -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 8) else 1)' 2>/dev/null; then
    echo "setup.sh: need Python 3.8 or later (set SMTP_PYTHON)" >&2
    exit 2
fi
mkdir -p "$(dirname "$venv")"
if [ ! -x "$venv/bin/python" ]; then
    rm -rf "$venv"
    "$py" -m venv "$venv"
fi
rm -f "$stamp"
PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/pip" install --quiet -r "$req"
"$venv/bin/python" -c 'import aiosmtpd'
echo "$want" > "$stamp"
echo "smtp venv ready" >&2
echo "$venv"
