#!/usr/bin/env bash
# Quick start, step 1: install kyodo into .venv, then build the sample and show it
# at http://127.0.0.1:8000 (Ctrl+C stops). Extra options go to `serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec "${KYODO_VENV:-.venv}/bin/python" build.py serve "$@"
