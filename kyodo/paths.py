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
