"""Where the project's templates and assets are; where a path really points."""

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
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    # abspath, not resolve: a link is named as it is, never by its target.
    return os.path.abspath(path) if rel.startswith("..") else rel
