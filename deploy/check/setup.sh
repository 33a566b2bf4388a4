#!/usr/bin/env bash
# Create (or reuse) the Python venv that checks the deployment files
# (kubernetes-validate, with its bundled Kubernetes schemas: no network at
# check time; dockerfile-parse), pinned in requirements.txt; see
# scripts/python-venv.sh.
#
#   DEPLOY_CHECK_VENV    venv path (default: ../../target/deploy-check-venv from this dir)
#   DEPLOY_CHECK_PYTHON  interpreter to build it with (default: python3, 3.8 or later)
#
# Prints the venv path on its last line.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${DEPLOY_CHECK_PYTHON:-python3}" exec "$here/../../scripts/python-venv.sh" deploy-check \
  "${DEPLOY_CHECK_VENV:-$here/../../target/deploy-check-venv}" "$here/requirements.txt" \
  'import kubernetes_validate, dockerfile_parse'
