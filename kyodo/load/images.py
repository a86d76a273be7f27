"""Pixel sizes of the images under ``content/images/`` (read once per build).

Only a regular file inside the images folder is opened: no symlink, nothing
outside the folder. Anything Pillow cannot read has no known size.
"""

from __future__ import annotations

from pathlib import Path


def inside(folder: Path, rel: str) -> Path | None:
    """``folder/rel`` if it is a regular file reached without any symlink, else None."""
    base = folder.resolve()
    path = folder / rel
    probe = path
    while probe != folder and probe != probe.parent:
        if probe.is_symlink():
            return None
        probe = probe.parent
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not real.is_file() or base not in real.parents:
        return None
    return real


def image_size(folder: Path, rel: str) -> tuple[int, int] | None:
    """(width, height) in pixels of ``content/images/<rel>``, or None."""
    path = inside(folder, rel)
    if path is None:
        return None
    try:
        from PIL import Image
        with Image.open(path) as im:
            w, h = im.size
    except Exception:          # any unreadable or unknown image: no size, never a crash
        return None
    return (w, h) if w > 0 and h > 0 else None
