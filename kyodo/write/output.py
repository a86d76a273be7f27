"""Build into a staging folder beside the output; swap it in on success.

The previous output stays exactly as it was when anything fails. An existing
folder that kyodo did not write (no marker file) is never replaced, so a
mistyped ``--out`` cannot delete someone's files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from kyodo.errors import UsageError

MARKER = ".kyodo-site"


class Staging:
    def __init__(self, out: Path, protect: list[Path] = ()):
        self.out = Path(out).resolve()
        for p in protect:
            p = Path(p).resolve()
            if self.out == p or p.is_relative_to(self.out) or self.out == Path(self.out.anchor):
                raise UsageError(f"出力先 {out} にはコンテンツやテンプレートが含まれるため、書き出せません。別のフォルダを指定してください")
        if self.out.exists() and not self.out.is_dir():
            raise UsageError(f"出力先 {out} はフォルダではありません")
        if self.out.is_dir() and any(self.out.iterdir()) and not (self.out / MARKER).exists():
            raise UsageError(f"出力先 {out} には kyodo が作ったものではないファイルがあります。"
                             "消してしまわないよう、空のフォルダか新しいフォルダを指定してください")
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.building-", dir=self.out.parent))
        self._dirs: set[Path] = {self.dir}

    def path(self, rel: str) -> Path:
        target = self.dir / rel
        parent = target.parent
        if parent not in self._dirs:
            parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(parent)
        return target

    def write(self, rel: str, data: bytes) -> None:
        self.path(rel).write_bytes(data)

    def copy(self, src: Path, rel: str) -> None:
        shutil.copyfile(src, self.path(rel))

    def commit(self) -> None:
        (self.dir / MARKER).write_text("kyodo が書き出したフォルダです。ビルドのたびに置き換わります。\n", encoding="utf-8")
        os.chmod(self.dir, 0o755)
        old = None
        if self.out.exists():
            old = self.out.parent / f".{self.out.name}.old-{os.getpid()}"
            os.replace(self.out, old)
        os.replace(self.dir, self.out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> "Staging":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()
