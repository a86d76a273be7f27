"""Where the project's templates and assets are; where a path really points."""

import functools
import os
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT / "templates"
ASSETS = PROJECT / "assets"


def inside(path: Path | str, root: Path | str) -> bool:
    """True when ``path``, with every symbolic link followed, is inside ``root``.

    A file in a pull request may be a link to ``/etc/passwd`` or to a folder
    outside the content: such a file is never read, copied or published.
    """
    try:
        real = Path(os.path.realpath(path))
        base = Path(os.path.realpath(root))
    except (OSError, ValueError):
        return False
    return real == base or real.is_relative_to(base)

def display_path(path: Path) -> str:
    """Paths in messages: relative to the working folder when possible."""
    return _display(os.getcwd(), os.fspath(path))


def display_paths(paths: list[Path]) -> list[str]:
    """``display_path`` of many files: each folder's once, then its file names
    (10,000 case files in one folder: a path computation each cost 0.3 s)."""
    cwd = os.getcwd()
    folders: dict[str, str] = {}
    out = []
    for path in paths:
        text = os.fspath(path)
        folder, sep, name = text.rpartition(os.sep)
        if not sep or not folder or name in ("", ".", ".."):
            out.append(_display(cwd, text))
            continue
        shown = folders.get(folder)
        if shown is None:
            shown = folders[folder] = _display(cwd, folder)
        out.append(name if shown == "." else os.path.join(shown, name))
    return out


@functools.lru_cache(maxsize=65536)
def _display(cwd: str, path: str) -> str:
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        return path
    # abspath, not resolve: a link is named as it is, never by its target.
    return os.path.normpath(os.path.join(cwd, path)) if rel.startswith("..") else rel
