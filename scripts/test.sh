#!/usr/bin/env bash
# Quick start, step 2: install what the tests need (Debian packages, .venv with the
# test extras, axe-core), then run the whole suite: bash scripts/test.sh [pytest options]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-tools.sh
exec "${KYODO_VENV:-.venv}/bin/python" -m pytest "$@"
