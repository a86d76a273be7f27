#!/usr/bin/env bash
# Install what the tests need, then run the whole suite: bash scripts/test.sh [pytest options]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-tools.sh
exec python3 -m pytest "$@"
