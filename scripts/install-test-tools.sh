#!/usr/bin/env bash
# Install everything the test suite needs on a Debian/Ubuntu machine:
# Debian's chromium (driven by Playwright; never `playwright install`),
# Japanese fonts, poppler-utils, Pango for WeasyPrint, python3-venv, the Python packages
# (in the virtual environment .venv) and axe-core.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Capture the lists first: with pipefail, `fc-list | grep -q` can fail on SIGPIPE.
fonts=$(fc-list 2>/dev/null || true)
libs=$(ldconfig -p 2>/dev/null || true)
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
# Japanese fonts for pages and screenshots; the booklet (WeasyPrint) embeds Noto Sans/Serif CJK.
if ! grep -q "Noto Sans CJK" <<<"$fonts" || ! grep -q "Noto Serif CJK" <<<"$fonts"; then need+=(fonts-noto-cjk); fi
# WeasyPrint needs Pango and HarfBuzz's subsetter.
grep -q "libpangoft2-1.0.so.0" <<<"$libs" || need+=(libpango-1.0-0 libpangoft2-1.0-0)
grep -q "libharfbuzz-subset.so.0" <<<"$libs" || need+=(libharfbuzz-subset0)
# Debian's Python makes virtual environments only with python3-venv (it carries ensurepip).
if [ ! -x "${KYODO_VENV:-.venv}/bin/python" ] && ! "${PYTHON:-python3}" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  need+=(python3-venv)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "apt-get install: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The Python packages go into the virtual environment .venv (scripts/setup.sh).
bash scripts/setup.sh --test
# axe-core: skip npm when the locked version is already installed (npm ci would wipe node_modules).
if [ -f node_modules/axe-core/axe.min.js ] && [ ! package-lock.json -nt node_modules/axe-core/axe.min.js ]; then :
elif [ -f package-lock.json ]; then npm ci --no-audit --no-fund --silent; else npm install --no-audit --no-fund --silent; fi
