"""Build the Pagefind search index inside the staged output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kyodo.errors import UsageError


def index(site_dir: Path) -> None:
    """Run Pagefind (extended build: it segments Japanese) over ``site_dir``."""
    try:
        import pagefind  # noqa: F401  (the pip package that ships the binary)
    except ImportError as exc:
        raise UsageError("検索インデックスを作る pagefind が入っていません。"
                         "pip install 'pagefind[extended]' を実行するか、--no-search を付けてください") from exc
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--silent"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise UsageError("検索インデックスを作れませんでした（pagefind）: " + " / ".join(detail))
