"""A build cache outside the published folder, keyed by content hashes.

Entries are plain bytes or JSON, never pickle: a pull request could commit a
cache folder, and loading it must not run code. A damaged or foreign entry is
a miss, never an error. Every key is salted with the kyodo version and the
caller's own salt (a hash of whatever else shapes the entry), so entries made
under other settings are simply not found.

Default location: ``.kyodo-cache/`` beside the content folder (git-ignored);
``KYODO_CACHE`` overrides it, and ``KYODO_CACHE=off`` turns caching off.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from kyodo import __version__

CACHE_DIR = ".kyodo-cache"


def digest(*parts: str | bytes) -> str:
    """A stable hex key for any number of strings/bytes (length-prefixed)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def cache_root(content_dir: Path) -> Path | None:
    env = os.environ.get("KYODO_CACHE")
    if env == "off":
        return None
    if env:
        return Path(env)
    return Path(content_dir).resolve().parent / CACHE_DIR


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new one,
    never a part (a temporary file beside it, then a rename); raises OSError."""
    fd, tmp = tempfile.mkstemp(dir=Path(path).parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class Cache:
    """One namespace of the build cache (e.g. ``"analysis"``, ``"cards"``)."""

    def __init__(self, root: Path | None, namespace: str, salt: str = ""):
        self.dir = root / namespace if root is not None else None
        self.salt = digest(__version__, namespace, salt)

    def _path(self, key: str) -> Path | None:
        if self.dir is None:
            return None
        k = digest(self.salt, key)
        return self.dir / k[:2] / k[2:]

    def get_bytes(self, key: str) -> bytes | None:
        path = self._path(key)
        if path is None:
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    def put_bytes(self, key: str, data: bytes) -> None:
        path = self._path(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, data)
        except OSError:
            pass   # a cache that cannot be written only costs time

    def get_json(self, key: str):
        data = self.get_bytes(key)
        if data is None:
            return None
        try:
            return json.loads(data)
        except (ValueError, RecursionError):   # a cache file of any shape is only a miss
            return None

    def put_json(self, key: str, value) -> None:
        self.put_bytes(key, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())
