"""Pixel sizes of the images under ``content/images/`` (read once per build).

Only a file that really lies inside the content folder is opened (the same
rule as kyodo.paths.inside for every content file). Anything Pillow cannot
read has no known size.
"""

from __future__ import annotations

from pathlib import Path

from kyodo.paths import inside


def image_size(folder: Path, rel: str) -> tuple[int, int] | None:
    """(width, height) in pixels of ``<folder>/<rel>`` (folder: content/images), or None."""
    path = folder / rel
    if not inside(path, folder.parent) or not path.is_file():
        return None
    try:
        from PIL import Image
        with Image.open(path) as im:
            w, h = im.size
    except Exception:          # any unreadable or unknown image: no size, never a crash
        return None
    return (w, h) if w > 0 and h > 0 else None
