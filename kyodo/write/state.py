"""What the last build wrote into an output folder, for the next build.

Kept in the build cache (beside content/, never published), one file per
output folder: for every file its fingerprint (what it was made of; "" when
unknown), size and modification time; the modification time of every folder
and the names at the top. The next build trusts the folder only when it holds
exactly those files, each unchanged in size and time (nobody edited, added or
removed anything); else it builds from scratch. Checking each recorded file
and folder by name (a folder's time changes when a name is added to it or
removed from it) is quicker than listing every folder.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from kyodo.cache import digest, write_atomic

FORMAT = 1


@dataclass
class State:
    files: dict[str, list] = field(default_factory=dict)   # rel -> [fingerprint, size, mtime_ns]
    folders: dict[str, int] | None = None                  # rel -> mtime_ns (below the top)
    top: list[str] | None = None                           # the names at the top (no dot-files)


def state_file(cache_dir: Path | None, out: Path) -> Path | None:
    if cache_dir is None:
        return None
    return Path(cache_dir) / "output" / (digest(str(Path(out).resolve())) + ".json")


def scan(root: Path) -> dict[str, tuple[int, int]]:
    """rel -> (size, mtime_ns) of every file below ``root`` (dot-files at the top left out)."""
    out: dict[str, tuple[int, int]] = {}
    stack = [(str(root), "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as it:
            for entry in it:
                if not prefix and entry.name.startswith("."):
                    continue
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, rel + "/"))
                else:
                    st = entry.stat(follow_symlinks=False)
                    out[rel] = (st.st_size, st.st_mtime_ns)
    return out


def load(cache_dir: Path | None, out: Path) -> State | None:
    """The recorded state, when the folder still holds exactly what it records."""
    path = state_file(cache_dir, out)
    if path is None:   # KYODO_CACHE=off (kyodo.cache.cache_root): no record
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or not isinstance(data.get("files"), dict):
            return None
        state = State(data["files"], data.get("folders"), data.get("top"))
        if isinstance(state.folders, dict) and isinstance(state.top, list):
            return state if _unchanged(Path(out), state) else None
        on_disk = scan(out)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if len(on_disk) != len(state.files):
        return None
    for rel, (fp, size, mtime) in state.files.items():
        if on_disk.get(rel) != (size, mtime):
            return None
    return state


def _unchanged(out: Path, state: State) -> bool:
    base = str(out) + os.sep
    if sorted(n for n in os.listdir(out) if not n.startswith(".")) != state.top:
        return False
    try:
        for rel, mtime in state.folders.items():
            st = os.stat(base + rel)
            if st.st_mtime_ns != mtime or not stat.S_ISDIR(st.st_mode):
                return False
        for rel, (fp, size, mtime) in state.files.items():
            st = os.stat(base + rel)
            if (st.st_size, st.st_mtime_ns) != (size, mtime) or not stat.S_ISREG(st.st_mode):
                return False
    except FileNotFoundError:
        return False
    return True


def _folders(out: Path, files, known: dict[str, int] | None = None, touched=None) -> tuple[dict[str, int], list[str]]:
    """Every folder's time and the names at the top. With the times ``known``
    before the files ``touched`` were written or removed, only their folders
    are looked at again."""
    names: set[str] = set()
    for rel in files:
        folder = rel.rpartition("/")[0]
        while folder and folder not in names:
            names.add(folder)
            folder = folder.rpartition("/")[0]
    again: set[str] | None = None
    if known is not None and touched is not None:
        again = set()
        for rel in touched:
            folder = rel.rpartition("/")[0]
            while folder and folder not in again:
                again.add(folder)
                folder = folder.rpartition("/")[0]
    base = str(out) + os.sep
    times = {}
    for name in sorted(names):
        if again is not None and name not in again and name in known:
            times[name] = known[name]
        else:
            times[name] = os.stat(base + name).st_mtime_ns
    return times, sorted(n for n in os.listdir(out) if not n.startswith("."))


def save(cache_dir: Path | None, out: Path, state: State, touched=None) -> None:
    """Record ``state``; ``touched``: the files written or removed since ``state.folders``
    was right (None: look at every folder)."""
    path = state_file(cache_dir, out)
    if path is None:   # KYODO_CACHE=off (kyodo.cache.cache_root): no record
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        folders, top = _folders(Path(out), state.files, state.folders, touched)
        write_atomic(path, json.dumps({"format": FORMAT, "files": state.files, "folders": folders, "top": top},
                                      ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    except OSError:
        pass   # only the next build's speed depends on it


def forget(cache_dir: Path | None, out: Path) -> None:
    path = state_file(cache_dir, out)
    if path is not None:
        try:
            path.unlink()
        except OSError:
            pass
