#!/usr/bin/env bash
# Create the virtual environment .venv (PEP 668: Debian's Python refuses a
# system-wide `pip install`) and install kyodo into it.
#   bash scripts/setup.sh          kyodo and what it needs to build
#   bash scripts/setup.sh --test   also what the tests need
# PYTHON picks the interpreter (default: python3), KYODO_VENV the folder (default: .venv).
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PYTHON:-python3}"
VENV="${KYODO_VENV:-.venv}"
extras=""
if [ "${1:-}" = "--test" ]; then extras="[test]"; fi

if ! command -v "$PY" >/dev/null 2>&1; then
  echo "エラー: Python 3（$PY）が見つかりません。Debian/Ubuntu では次のコマンドで入れてください:" >&2
  echo "  sudo apt-get install python3 python3-venv" >&2
  exit 1
fi
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "エラー: Python 3.11 以上が必要です（いまは $("$PY" -V 2>&1)）。" >&2
  exit 1
fi

if [ ! -x "$VENV/bin/python" ]; then
  # Debian ships venv's pip bootstrap (ensurepip) in a separate package.
  if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    pkg=$("$PY" -c 'import sys; print("python3.%d-venv" % sys.version_info[1])')
    echo "エラー: 仮想環境（.venv）を作るための Debian のパッケージ python3-venv が入っていません。" >&2
    echo "  次のコマンドで入れてから、もう一度実行してください（管理者のパスワードを聞かれます）:" >&2
    echo "  sudo apt-get install python3-venv" >&2
    echo "  （Ubuntu などで見つからないと表示されたときは: sudo apt-get install $pkg）" >&2
    exit 1
  fi
  echo "仮想環境を作ります: $VENV（$("$PY" -V 2>&1)）"
  if ! "$PY" -m venv "$VENV"; then
    rm -rf "$VENV"
    echo "エラー: 仮想環境を作れませんでした。sudo apt-get install python3-venv を実行してから、もう一度実行してください。" >&2
    exit 1
  fi
fi

# kyodo's own modules compiled once (as pip does for a package it installs): every
# build then starts without compiling them, also where PYTHONDONTWRITEBYTECODE is set.
# Files already compiled are skipped; a folder that cannot be written is no error.
"$VENV/bin/python" -m compileall -q kyodo >/dev/null 2>&1 || true

# Reinstall only when pyproject.toml changed since the last run (or the test extras
# are wanted and were not installed). The stamp's first line is what was installed for.
stamp="$VENV/.kyodo-installed"
want="$(cksum < pyproject.toml) $(pwd)"
if [ -f "$stamp" ] && [ "$(head -n 1 "$stamp")" = "$want" ] \
   && { [ -z "$extras" ] || grep -qxF "$extras" "$stamp"; }; then
  echo "仮想環境 $VENV は準備できています。"
  exit 0
fi
echo "kyodo と必要なものを $VENV に入れます（初回は数分かかります）…"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".$extras"
printf '%s\n%s\n' "$want" "$extras" > "$stamp"
echo "準備ができました。"
