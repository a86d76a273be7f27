"""An incremental build: change only what changed in the published folder.

Every file the build makes is first announced with :meth:`Update.want`
(with its fingerprint, when it has one). A file whose fingerprint equals the
one recorded by the previous build is kept as it is, without being made
again. Every other file is made; when its bytes equal the file already
there, nothing is written; else the new bytes go to ``<name>.kyodo-new``
beside it. Files the previous build made and this one did not are removed.

Nothing in the folder changes until :meth:`commit`, so a build that fails
(a content error, a template error, a full disk while writing the new
files) leaves the folder exactly as it was. The commit renames the new files
into place (a rename is atomic per file and needs no space); it is guarded
by a journal file, and a build killed in the middle of those renames leaves
the journal behind, so the next build starts from scratch.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from kyodo.write import state as state_mod
from kyodo.write.output import MARKER, OutputLock, sweep_staging, sweep_temp

NEW = ".kyodo-new"
JOURNAL = ".kyodo-journal"


class Update:
    incremental = True

    def __init__(self, out: Path, previous: state_mod.State, lock: OutputLock, cache_dir):
        self.out = out
        self.dir = out
        self.previous = previous.files
        self.folders = previous.folders   # their times, when recorded (kyodo/write/state.py)
        self.lock = lock
        self.cache_dir = cache_dir
        self.fps: dict[str, str] = {}       # every file of this build -> fingerprint ("" unknown)
        self.kept: set[str] = set()
        self._by_fp: dict[str, list[str]] | None = None
        self._dirs: set[Path] = set()
        self._made_dirs: list[Path] = []

    # -- making files ------------------------------------------------------------------
    def want(self, rel: str, fp: str | None = None) -> bool:
        """Announce ``rel``; False when the previous build's file is still right."""
        fp = fp or ""
        self.fps[rel] = fp
        old = self.previous.get(rel)
        if fp and old is not None and old[0] == fp:
            self.kept.add(rel)
            return False
        self.kept.discard(rel)
        return True

    def _target(self, rel: str) -> Path:
        target = self.out / rel
        parent = target.parent
        if parent not in self._dirs:
            if not parent.is_dir():
                missing = []
                p = parent
                while not p.exists():
                    missing.append(p)
                    p = p.parent
                parent.mkdir(parents=True, exist_ok=True)
                self._made_dirs += missing
            self._dirs.add(parent)
        return target

    def write(self, rel: str, data: bytes) -> bool:
        """Stage ``data`` for ``rel`` (may run in a worker process); True when it differs."""
        target = self._target(rel)
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                return False
        except OSError:
            pass
        Path(str(target) + NEW).write_bytes(data)
        return True

    def copy(self, src: Path, rel: str) -> bool:
        return self.write(rel, Path(src).read_bytes())

    def read(self, rel: str) -> bytes:
        """The bytes of ``rel`` as this build leaves it."""
        target = self.out / rel
        staged = Path(str(target) + NEW)
        return staged.read_bytes() if staged.exists() else target.read_bytes()

    def recorded(self, fp: str) -> list[str]:
        """The files the previous build made with fingerprint ``fp`` (a group made together)."""
        if self._by_fp is None:
            self._by_fp = {}
            for rel, (old, *_rest) in self.previous.items():
                if old:
                    self._by_fp.setdefault(old, []).append(rel)
        return list(self._by_fp.get(fp, []))

    def keep_previous(self, prefix: str) -> int:
        """Keep the previous build's files under ``prefix`` as they are (``serve``
        writes the pages first and the search index right after)."""
        n = 0
        for rel, (fp, *_rest) in self.previous.items():
            if rel.startswith(prefix) and rel not in self.fps:
                self.fps[rel] = fp
                self.kept.add(rel)
                n += 1
        return n

    # -- finishing ---------------------------------------------------------------------
    def _staged(self) -> list[str]:
        return [rel for rel in self.fps if rel not in self.kept and os.path.exists(str(self.out / rel) + NEW)]

    def commit(self) -> dict[str, int]:
        staged = self._staged()
        removed = sorted(set(self.previous) - set(self.fps))
        journal = self.out / JOURNAL
        if staged or removed:
            journal.write_text("\n".join(staged + removed), encoding="utf-8")
        for rel in staged:
            os.replace(str(self.out / rel) + NEW, self.out / rel)
        for rel in removed:
            with contextlib.suppress(FileNotFoundError):
                (self.out / rel).unlink()
        for rel in removed:   # folders left empty
            folder = (self.out / rel).parent
            while folder != self.out:
                try:
                    folder.rmdir()
                except OSError:
                    break
                folder = folder.parent
        files = {}
        touched = set(staged)
        for rel, fp in self.fps.items():
            old = self.previous.get(rel)
            if old is not None and rel not in touched:   # not written this time: as recorded
                files[rel] = [fp, old[1], old[2]]
                continue
            st = os.stat(self.out / rel)
            files[rel] = [fp, st.st_size, st.st_mtime_ns]
        state_mod.save(self.cache_dir, self.out, state_mod.State(files, self.folders),
                       touched=[*staged, *removed] if self.folders is not None else None)
        with contextlib.suppress(FileNotFoundError):
            journal.unlink()
        self.lock.release()
        # "kept": every file left as it was, whether known unchanged from its fingerprint
        # or made again with the same bytes (the build's message says so to staff).
        return {"written": len(staged), "removed": len(removed), "kept": len(self.fps) - len(staged),
                "files": len(self.fps)}

    def abort(self) -> None:
        for rel in self.fps:
            with contextlib.suppress(OSError):
                os.unlink(str(self.out / rel) + NEW)
        for folder in reversed(self._made_dirs):
            with contextlib.suppress(OSError):
                folder.rmdir()
        self.lock.release()

    def __enter__(self) -> "Update":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()
        self.lock.release()


def open_output(out: Path, protect: list[Path], cache_dir, force_full: bool = False):
    """An :class:`Update` of ``out`` when the previous build's record still holds,
    else a :class:`~kyodo.write.output.Staging` (a whole new folder, swapped in)."""
    from kyodo.write.output import Staging, check_out_dir

    resolved = check_out_dir(out, list(protect))
    if not force_full and (resolved / MARKER).is_file() and not (resolved / JOURNAL).exists():
        lock = OutputLock(resolved)
        try:
            sweep_staging(resolved)   # what killed full builds left beside the folder
            sweep_temp()
            previous = state_mod.load(cache_dir, resolved)
            if previous is not None:
                return Update(resolved, previous, lock, cache_dir)
        except BaseException:
            lock.release()
            raise
        lock.release()
    return Staging(out, protect, cache_dir=cache_dir)

