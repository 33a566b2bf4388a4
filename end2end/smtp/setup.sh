#!/usr/bin/env bash
# Create (or reuse) the Python venv that runs server.py, the SMTP server of
# Laurel's mail tests (aiosmtpd, pinned in requirements.txt); see
# scripts/python-venv.sh.
#
#   SMTP_VENV    venv path (default: ../../target/smtp-venv from this dir)
#   SMTP_PYTHON  interpreter to build it with (default: python3, 3.8 or later)
#
# Prints the venv path on its last line.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${SMTP_PYTHON:-python3}" exec "$here/../../scripts/python-venv.sh" smtp \
  "${SMTP_VENV:-$here/../../target/smtp-venv}" "$here/requirements.txt" 'import aiosmtpd'
