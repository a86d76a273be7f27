"""How staff start kyodo: ``python3 build.py …`` (Windows: ``py build.py …``).

``scripts/setup.sh`` / ``scripts\\setup.ps1`` install kyodo into the virtual
environment ``.venv`` next to ``build.py`` (Debian's Python refuses a
system-wide ``pip install``, PEP 668). So that staff never have to activate
it, ``build.py`` run by a Python outside any virtual environment re-runs
itself with ``.venv``'s Python when that exists; without it, and without the
libraries, it says in Japanese which command installs them.

Standard library only: this runs before any dependency can be imported.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ".venv"
OPT_OUT = "KYODO_NO_VENV"   # set to use the current Python as is
WINDOWS = os.name == "nt"

# The one spelling of the commands, per platform (README: Linux first, Windows note).
RUN = "py build.py" if WINDOWS else "python3 build.py"
SETUP = (r"powershell -ExecutionPolicy Bypass -File scripts\setup.ps1" if WINDOWS
         else "bash scripts/setup.sh")
NEEDED = ("yaml", "jinja2", "markdown_it")


def venv_python(root: Path = ROOT) -> Path | None:
    """``.venv``'s Python when this process should hand over to it."""
    if os.environ.get(OPT_OUT) or sys.prefix != sys.base_prefix:
        return None   # told not to, or already inside a virtual environment
    exe = root / VENV / ("Scripts/python.exe" if WINDOWS else "bin/python")
    return exe if exe.is_file() else None


def missing_message() -> str | None:
    """Japanese instructions when the libraries kyodo needs are not importable."""
    missing = [name for name in NEEDED if importlib.util.find_spec(name) is None]
    if not missing:
        return None
    return (f"エラー: kyodo に必要なもの（{'、'.join(missing)} など）が入っていません。"
            f"最初に 1 回だけ、build.py のあるフォルダ（{ROOT}）で次のコマンドを実行してください: {SETUP}")


def start(script: str, argv: list[str]) -> int | None:
    """Re-run ``script`` in ``.venv`` (returns its exit code), print what to
    install (returns 1), or return None to go on in this process."""
    exe = venv_python()
    if exe is not None:
        env = dict(os.environ, **{OPT_OUT: "1"})
        cmd = [str(exe), str(script), *argv]
        try:
            if not WINDOWS:
                os.execve(cmd[0], cmd, env)   # never returns
            signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl+C is the child's to handle
            return subprocess.call(cmd, env=env)
        except OSError as exc:   # a .venv whose Python was removed or moved
            print(f"エラー: 仮想環境 {exe.parent.parent} の Python を起動できません（{exc.strerror}）。"
                  f"フォルダ {VENV} を消してから、{SETUP} を実行し直してください", file=sys.stderr)
            return 1
    message = missing_message()
    if message:
        print(message, file=sys.stderr)
        return 1
    return None
