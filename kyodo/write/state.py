"""What the last build wrote into an output folder, for the next build.

Kept in the build cache (beside content/, never published), one file per
output folder: for every file its fingerprint (what it was made of; "" when
unknown), size and modification time. The next build trusts the folder only
when it holds exactly those files, each unchanged in size and time (nobody
edited, added or removed anything); else it builds from scratch.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from kyodo.cache import digest

FORMAT = 1


@dataclass
class State:
    files: dict[str, list] = field(default_factory=dict)   # rel -> [fingerprint, size, mtime_ns]


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
        state = State(data["files"])
        on_disk = scan(out)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if len(on_disk) != len(state.files):
        return None
    for rel, (fp, size, mtime) in state.files.items():
        if on_disk.get(rel) != (size, mtime):
            return None
    return state


def save(cache_dir: Path | None, out: Path, state: State) -> None:
    path = state_file(cache_dir, out)
    if path is None:   # KYODO_CACHE=off (kyodo.cache.cache_root): no record
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"format": FORMAT, "files": state.files},
                                  ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass   # only the next build's speed depends on it


def forget(cache_dir: Path | None, out: Path) -> None:
    path = state_file(cache_dir, out)
    if path is not None:
        try:
            path.unlink()
        except OSError:
            pass
