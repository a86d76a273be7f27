"""Build into a staging folder beside the output; swap it in on success.

The previous output stays exactly as it was when anything fails. An existing
folder that kyodo did not write (no marker file) is never replaced, so a
mistyped ``--out`` cannot delete someone's files.

* One rule for a safe output folder (:func:`check_out_dir`), shared by
  ``build``, ``serve`` and ``pdf``: never one of the input folders, inside
  one, or around one.
* One build at a time per output folder: a lock file ``.<out>.lock`` beside
  it; a second build stops with a message.
* A build that was killed (SIGKILL, power loss) leaves its staging folder
  ``.<out>.building-*``; the next build into the same folder removes it
  (it holds the lock, so no other build can own one), and the
  ``kyodo-search-*`` folders that earlier versions left in the temp folder.
* The swap exchanges the two folders in one step (Linux ``renameat2`` with
  ``RENAME_EXCHANGE``), so the output folder never disappears, not even for a
  moment; where the system cannot exchange, two renames follow each other
  immediately.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import stat
import tempfile
import time
from pathlib import Path

from kyodo.errors import UsageError, one_line

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; builds are not guarded against each other
    fcntl = None

MARKER = ".kyodo-site"


MARKER_TEXT = "kyodo が書き出したフォルダです。ビルドのたびに置き換わります。\n"


def check_out_dir(out: Path | str, inputs: list[Path | str]) -> Path:
    """The output folder, resolved, if it is safe to write; else UsageError.

    Not the file system's root, not one of ``inputs`` (content/, templates/,
    assets/), not inside one (each build would copy the last one and the
    development server would rebuild for ever), not around one (the swap
    would remove it).
    """
    shown = one_line(out)
    resolved = Path(out).resolve()
    if resolved == Path(resolved.anchor):
        raise UsageError(f"出力先 {shown} はドライブのいちばん上のフォルダです。サイト用のフォルダを指定してください（例: --out site）")
    for p in inputs:
        p = Path(p).resolve()
        if resolved == p or resolved.is_relative_to(p):
            raise UsageError(f"出力先 {shown} は入力のフォルダ {one_line(p)} の中です。content/・templates/・assets/ の"
                             "外のフォルダを指定してください（中にすると、ビルドのたびに前回の出力を読み込んでしまいます）")
        if p.is_relative_to(resolved):
            raise UsageError(f"出力先 {shown} にはコンテンツやテンプレートが含まれるため、書き出せません。別のフォルダを指定してください")
    if resolved.exists() and not resolved.is_dir():
        raise UsageError(f"出力先 {shown} はフォルダではありません")
    return resolved


def _folder_error(folder: Path, exc: OSError) -> UsageError:
    why = exc.strerror or str(exc)
    return UsageError(f"フォルダ {one_line(folder)} に書き込めません（{one_line(why)}）。"
                      "書き込みの権限がある別のフォルダを --out で指定してください")


class OutputLock:
    """An exclusive lock on ``.<out>.lock`` beside the output folder.

    The file exists only while a build holds it: it is removed before the
    lock is let go, and a build that locked a file which was removed
    meanwhile tries again with the new one.
    """

    def __init__(self, out: Path):
        self.path = out.parent / f".{out.name}.lock"
        self.fd: int | None = None
        for _ in range(100):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise _folder_error(out.parent, exc) from None
            if fcntl is None:
                self.fd = fd
                return
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise UsageError(f"出力先 {one_line(out)} には、いま別のビルドが書き出しています。"
                                 "そのビルドが終わってから、もう一度実行してください") from None
            try:
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self.fd = fd
                return
            os.close(fd)   # the holder removed this file while we waited: take the new one
        raise UsageError(f"出力先 {one_line(out)} のロックを取得できませんでした。もう一度実行してください")

    def release(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            os.close(self.fd)
            self.fd = None


def _remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def sweep_staging(out: Path) -> None:
    """Remove what killed builds into ``out`` left (call with the lock held)."""
    for pattern in (f".{out.name}.building-*", f".{out.name}.old-*"):
        for path in out.parent.glob(pattern):
            if path.is_dir() and not path.is_symlink():
                _remove(path)


LEGACY_TEMP = "kyodo-search-"   # working folders of the former Pagefind step; nothing makes them now
LEGACY_NAME = re.compile(r"kyodo-search-[a-z0-9_]{8}")   # tempfile.mkdtemp's names
LEGACY_AGE = 3600                # seconds untouched before such a folder counts as left behind


def sweep_temp() -> None:
    """Remove ``<tmp>/kyodo-search-XXXXXXXX`` folders that builds killed while indexing left.

    Only earlier versions of kyodo (which ran Pagefind on a temporary copy)
    made them, with ``tempfile.mkdtemp``: a name of exactly that shape, mode
    0700, owned by this user. Only such folders untouched for an hour are
    removed, so a folder someone named ``kyodo-search-…`` themselves (a
    benchmark's work folder, say) is never touched.
    """
    now = time.time()
    for path in Path(tempfile.gettempdir()).glob(LEGACY_TEMP + "*"):
        if not LEGACY_NAME.fullmatch(path.name):
            continue
        with contextlib.suppress(OSError):
            st = path.lstat()
            if (stat.S_ISDIR(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o700 and st.st_uid == os.getuid()
                    and now - st.st_mtime > LEGACY_AGE):
                _remove(path)


def exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step; False where the system cannot."""
    if os.name != "posix":
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), str(b))


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def write_new(path: str, data: bytes) -> None:
    """``data`` into the file ``path`` (made or emptied), with no file object:
    0.18 s instead of 0.30 s for 5,000 pages (Python's buffered file costs more
    than the system's own write). ``O_BINARY``: bytes as they are on Windows."""
    fd = os.open(path, _NEW_FILE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


class Staging:
    """A whole new output folder, swapped in by :meth:`commit` (a full build)."""
    incremental = False

    def __init__(self, out: Path, protect: list[Path] = (), cache_dir: Path | None = None):
        self.cache_dir = cache_dir
        self.fps: dict[str, str] = {}
        self.out = check_out_dir(out, list(protect))
        if self.out.is_dir() and any(self.out.iterdir()) and not (self.out / MARKER).exists():
            raise UsageError(f"出力先 {one_line(out)} には kyodo が作ったものではないファイルがあります。"
                             "消してしまわないよう、空のフォルダか新しいフォルダを指定してください")
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _folder_error(self.out.parent, exc) from None
        self.lock = OutputLock(self.out)
        try:
            sweep_staging(self.out)
            sweep_temp()
            self.dir = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.building-", dir=self.out.parent))
        except OSError as exc:
            self.lock.release()
            raise _folder_error(self.out.parent, exc) from None
        self._root = str(self.dir)
        self._made: set[str] = {""}     # folders made, relative to the staging folder

    def path(self, rel: str) -> str:
        """Where ``rel`` goes, its folder made. Plain strings and os calls: 14,000 pages at
        10,000 cases (pathlib costs more than the write)."""
        folder = rel.rpartition("/")[0]
        if folder not in self._made:
            where = os.path.join(self._root, folder)
            try:
                os.mkdir(where)   # most folders (cases/x/) are new and their parent is there
            except FileExistsError:
                pass
            except FileNotFoundError:
                os.makedirs(where, exist_ok=True)
            self._made.add(folder)
        return os.path.join(self._root, rel)

    def want(self, rel: str, fp: str | None = None) -> bool:
        """Announce ``rel`` and what it is made of (recorded for the next build)."""
        self.fps[rel] = fp or ""
        return True

    def write(self, rel: str, data: bytes) -> bool:
        write_new(self.path(rel), data)
        return True

    def copy(self, src: Path, rel: str) -> bool:
        shutil.copyfile(src, self.path(rel))
        return True

    def read(self, rel: str) -> bytes:
        return (self.dir / rel).read_bytes()

    def recorded(self, fp: str) -> list[str]:
        """Files the previous build made with fingerprint ``fp``: none (a new folder)."""
        return []

    def keep_previous(self, prefix: str) -> int:
        """Keep the previous build's files under ``prefix``: none here (a new folder)."""
        return 0

    def commit(self) -> dict:
        from kyodo.write import state as state_mod
        (self.dir / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        # The record for the next (incremental) build: what each file was made of.
        state_mod.forget(self.cache_dir, self.out)
        on_disk = state_mod.scan(self.dir)
        record = state_mod.State({rel: [self.fps.get(rel, ""), size, mtime]
                                         for rel, (size, mtime) in on_disk.items()})
        os.chmod(self.dir, 0o755)
        old = None
        if self.out.exists():
            if exchange(self.dir, self.out):
                old = self.dir                  # now holds the previous output
            else:
                old = self.out.parent / f".{self.out.name}.old-{os.getpid()}"
                os.replace(self.out, old)
                try:
                    os.replace(self.dir, self.out)
                except BaseException:
                    os.replace(old, self.out)   # put the previous output back
                    raise
        else:
            os.replace(self.dir, self.out)
        if old is not None:
            _remove(old)
        state_mod.save(self.cache_dir, self.out, record)
        self.lock.release()
        return {"written": len(on_disk), "removed": 0, "kept": 0, "files": len(on_disk)}

    def abort(self) -> None:
        _remove(self.dir)
        self.lock.release()

    def __enter__(self) -> "Staging":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()
        self.lock.release()
